using Xunit;
using System.Text;
using System.Text.Json;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Tests.Fuzz;
using CsCheck;
using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.Tests.Notifications;

public class PushPayloadBuilderTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static PushNotification Push(string title = "Alice", string body = "Hi there", string? messageId = "1700000000000", string threadId = "19:thread@thread.v2") =>
        new("event-1", EventKey.For("event-1"), "8:acs:resource_user-1", PushKinds.ChatMessage, title, body, threadId, messageId);

    [Fact]
    public void Build_Apple_WritesAlertPayloadAndHeaders()
    {
        var request = PushPayloadBuilder.Build(Push(), NotificationFormat.Apple);

        Assert.Equal(NotificationFormat.Apple, request.Format);
        Assert.Equal("alert", request.Headers!["apns-push-type"]);
        Assert.Equal("10", request.Headers["apns-priority"]);
        Assert.Equal(EventKey.For("event-1").CollapseId, request.Headers["apns-collapse-id"]);
        Assert.InRange(Encoding.UTF8.GetByteCount(request.Headers["apns-collapse-id"]), 1, 64);
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
        var android = message.GetProperty("android");
        Assert.Equal("high", android.GetProperty("priority").GetString());
        Assert.Equal(EventKey.For("event-1").CollapseId, android.GetProperty("collapse_key").GetString());
        Assert.Equal(EventKey.For("event-1").CollapseId, android.GetProperty("notification").GetProperty("tag").GetString());
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

    // Every event routing accepts fits: ids of up to 256 characters from the set AcsIds allows, any title and body.
    // Slow: 2,000 generated pushes (seconds). The edge cases below pin the limits one by one.
    [Trait("Category", "Slow")]
    [Fact]
    public void Build_AnyIdsRoutingAcceptsAndAnyText_FitsWithinLimit()
    {
        var idCharacters = Gen.Char["abcXYZ0189._:@~=/-"];
        var id = idCharacters.Array[1, AcsIds.MaxLength].Select(chars => new string(chars));
        var text = Gen.OneOf(Gen.String, Gen.String[Gen.Char, 0, 6000], Gen.Const(new string('"', 5000)), Gen.Const(string.Concat(Enumerable.Repeat("\U0001F468\u200D\U0001F469", 1000))));
        var push = Gen.Select(text, text, id, id.Null(), Gen.Enum<NotificationFormat>())
            .Select((title, body, threadId, messageId, format) => (Push(title, body, messageId, threadId), format));

        foreach (var (sample, format) in FixedSeed.Cases(push, 2000, seed: 0xA2))
        {
            Assert.True(AcsIds.IsValid(sample.ThreadId));
            var request = PushPayloadBuilder.Build(sample, format);
            Assert.InRange(Encoding.UTF8.GetByteCount(request.Body), 1, PushPayloadBuilder.MaxPayloadBytes);
            using var _ = JsonDocument.Parse(request.Body);
        }
    }

    [Fact]
    public void Build_LongestIdsOfTheWidestCharacters_FitsWithinLimit()
    {
        var id = string.Concat(Enumerable.Repeat("/", AcsIds.MaxLength));

        foreach (var format in PushPayloadBuilder.Formats)
        {
            var request = PushPayloadBuilder.Build(Push(new string('t', 5000), new string('b', 5000), id, id), format);

            Assert.InRange(Encoding.UTF8.GetByteCount(request.Body), 1, PushPayloadBuilder.MaxPayloadBytes);
        }
    }

    [Theory]
    [InlineData(NotificationFormat.Apple, "apple")]
    [InlineData(NotificationFormat.FcmV1, "fcmv1")]
    public void FormatName_KnownFormats_MatchHubSpelling(NotificationFormat format, string expected)
    {
        Assert.Equal(expected, PushPayloadBuilder.FormatName(format));
    }
}
