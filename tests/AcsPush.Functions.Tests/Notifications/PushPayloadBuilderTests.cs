using Xunit;
using System.Text;
using System.Text.Json;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.Tests.Notifications;

public class PushPayloadBuilderTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static PushNotification Push(string title = "Alice", string body = "Hi there", string? messageId = "1700000000000") =>
        new("event-1", "8:acs:resource_user-1", PushKinds.ChatMessage, title, body, "19:thread@thread.v2", messageId);

    [Fact]
    public void Build_Apple_WritesAlertPayloadAndHeaders()
    {
        var request = PushPayloadBuilder.Build(Push(), NotificationFormat.Apple);

        Assert.Equal(NotificationFormat.Apple, request.Format);
        Assert.Equal("alert", request.Headers!["apns-push-type"]);
        Assert.Equal("10", request.Headers["apns-priority"]);
        using var json = JsonDocument.Parse(request.Body);
        var aps = json.RootElement.GetProperty("aps");
        Assert.Equal("Alice", aps.GetProperty("alert").GetProperty("title").GetString());
        Assert.Equal("Hi there", aps.GetProperty("alert").GetProperty("body").GetString());
        Assert.Equal("default", aps.GetProperty("sound").GetString());
        Assert.Equal("19:thread@thread.v2", aps.GetProperty("thread-id").GetString());
        Assert.Equal(1, aps.GetProperty("mutable-content").GetInt32());
        Assert.Equal("19:thread@thread.v2", json.RootElement.GetProperty("threadId").GetString());
        Assert.Equal("1700000000000", json.RootElement.GetProperty("messageId").GetString());
        Assert.Equal(PushKinds.ChatMessage, json.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void Build_FcmV1_WritesMessageWithStringDataAndHighPriority()
    {
        var request = PushPayloadBuilder.Build(Push(), NotificationFormat.FcmV1);

        Assert.Equal(NotificationFormat.FcmV1, request.Format);
        Assert.True(request.Headers is null || request.Headers.Count == 0);
        using var json = JsonDocument.Parse(request.Body);
        var message = json.RootElement.GetProperty("message");
        Assert.Equal("Alice", message.GetProperty("notification").GetProperty("title").GetString());
        Assert.Equal("Hi there", message.GetProperty("notification").GetProperty("body").GetString());
        Assert.Equal("high", message.GetProperty("android").GetProperty("priority").GetString());
        var data = message.GetProperty("data");
        Assert.All(data.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("19:thread@thread.v2", data.GetProperty("threadId").GetString());
        Assert.Equal("1700000000000", data.GetProperty("messageId").GetString());
        Assert.Equal(PushKinds.ChatMessage, data.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(NotificationFormat.Apple)]
    [InlineData(NotificationFormat.FcmV1)]
    public void Build_NoMessageId_OmitsMessageId(NotificationFormat format)
    {
        var request = PushPayloadBuilder.Build(Push(messageId: null), format);

        Assert.DoesNotContain("messageId", request.Body, StringComparison.Ordinal);
    }

    public static TheoryData<NotificationFormat, string> LongBodies()
    {
        var data = new TheoryData<NotificationFormat, string>();
        foreach (var format in new[] { NotificationFormat.Apple, NotificationFormat.FcmV1 })
        {
            data.Add(format, new string('a', 10_000));
            data.Add(format, string.Concat(Enumerable.Repeat("\U0001F468\u200D\U0001F469\u200D\U0001F467", 800)));
            data.Add(format, string.Concat(Enumerable.Repeat("漢字かな", 1500)));
            data.Add(format, string.Concat(Enumerable.Repeat("\"\\", 3000)));
            data.Add(format, string.Concat(Enumerable.Repeat("\u0007", 5000)));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LongBodies))]
    public void Build_BodyLargerThanLimit_TruncatesToValidUtf8WithinLimit(NotificationFormat format, string body)
    {
        var request = PushPayloadBuilder.Build(Push(body: body), format);

        var bytes = Encoding.UTF8.GetBytes(request.Body);
        Assert.InRange(bytes.Length, 1, PushPayloadBuilder.MaxPayloadBytes);
        Assert.Equal(request.Body, StrictUtf8.GetString(bytes));
        using var json = JsonDocument.Parse(request.Body);
        var sentBody = format == NotificationFormat.Apple
            ? json.RootElement.GetProperty("aps").GetProperty("alert").GetProperty("body").GetString()!
            : json.RootElement.GetProperty("message").GetProperty("notification").GetProperty("body").GetString()!;
        Assert.EndsWith(NotificationText.Ellipsis, sentBody, StringComparison.Ordinal);
        Assert.StartsWith(sentBody[..^1].TrimEnd(), body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HugeTitle_TruncatesTitleToo()
    {
        var request = PushPayloadBuilder.Build(Push(title: new string('t', 8000), body: new string('b', 8000)), NotificationFormat.Apple);

        Assert.InRange(Encoding.UTF8.GetByteCount(request.Body), 1, PushPayloadBuilder.MaxPayloadBytes);
        using var json = JsonDocument.Parse(request.Body);
        Assert.EndsWith(NotificationText.Ellipsis, json.RootElement.GetProperty("aps").GetProperty("alert").GetProperty("title").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NonAsciiText_KeepsBmpTextRawAndEmojiIntact()
    {
        var request = PushPayloadBuilder.Build(Push(body: "こんにちは \U0001F44B"), NotificationFormat.FcmV1);

        Assert.Contains("こんにちは", request.Body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("こんにちは \U0001F44B", json.RootElement.GetProperty("message").GetProperty("notification").GetProperty("body").GetString());
    }

    [Theory]
    [InlineData(NotificationFormat.Apple, "apple")]
    [InlineData(NotificationFormat.FcmV1, "fcmv1")]
    public void FormatName_KnownFormats_MatchHubSpelling(NotificationFormat format, string expected)
    {
        Assert.Equal(expected, PushPayloadBuilder.FormatName(format));
    }
}
