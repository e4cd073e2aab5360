using System.Text;
using System.Text.Json;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using Xunit;

namespace AcsPush.Functions.Tests.Notifications;

/// <summary>
/// The 4,096-byte limit at its edge: a payload of exactly the limit goes out as written, one byte more is shortened to
/// the longest text that fits (so the result is exactly the limit when the text is plain ASCII).
/// </summary>
public sealed class PushPayloadLimitTests
{
    private static PushNotification Push(string title, string body) =>
        new("event-1", EventKey.For("event-1"), "8:acs:resource_user-1", PushKinds.ChatMessage, title, body, "19:thread@thread.v2", "1700000000000");

    private static int Bytes(NotificationRequest request) => Encoding.UTF8.GetByteCount(request.Body);

    private static (string Title, string Body) TextOf(NotificationRequest request)
    {
        using var json = JsonDocument.Parse(request.Body);
        var alert = request.Format == NotificationFormat.Apple
            ? json.RootElement.GetProperty("aps").GetProperty("alert")
            : json.RootElement.GetProperty("message").GetProperty("notification");
        return (alert.GetProperty("title").GetString()!, alert.GetProperty("body").GetString()!);
    }

    /// <summary>A body of ASCII letters that makes the payload exactly <paramref name="payloadBytes"/> bytes.</summary>
    private static string BodyFor(NotificationFormat format, int payloadBytes) =>
        new('b', payloadBytes - Bytes(PushPayloadBuilder.Build(Push("Alice", string.Empty), format)));

    [Theory]
    [InlineData(NotificationFormat.Apple, 4095)]
    [InlineData(NotificationFormat.Apple, 4096)]
    [InlineData(NotificationFormat.FcmV1, 4095)]
    [InlineData(NotificationFormat.FcmV1, 4096)]
    public void Build_PayloadUpToTheLimit_SentAsWritten(NotificationFormat format, int payloadBytes)
    {
        var body = BodyFor(format, payloadBytes);

        var request = PushPayloadBuilder.Build(Push("Alice", body), format);

        Assert.Equal(payloadBytes, Bytes(request));
        Assert.Equal(("Alice", body), TextOf(request));
    }

    [Theory]
    [InlineData(NotificationFormat.Apple)]
    [InlineData(NotificationFormat.FcmV1)]
    public void Build_PayloadOneByteOverTheLimit_BodyShortenedToExactlyTheLimit(NotificationFormat format)
    {
        var body = BodyFor(format, PushPayloadBuilder.MaxPayloadBytes + 1);

        var request = PushPayloadBuilder.Build(Push("Alice", body), format);

        // The ellipsis is 3 UTF-8 bytes: the longest body that fits keeps all but 4 letters.
        Assert.Equal(PushPayloadBuilder.MaxPayloadBytes, Bytes(request));
        Assert.Equal(("Alice", body[..^4] + NotificationText.Ellipsis), TextOf(request));
    }

    [Fact]
    public void Build_TitleTooLongEvenWithoutBody_TitleShortenedToTheLongestThatFits()
    {
        // With the body down to its ellipsis, a title 1 letter too long still does not fit.
        var bare = Bytes(PushPayloadBuilder.Build(Push(string.Empty, NotificationText.Ellipsis), NotificationFormat.Apple));
        var title = new string('t', PushPayloadBuilder.MaxPayloadBytes - bare + 1);

        var request = PushPayloadBuilder.Build(Push(title, "body"), NotificationFormat.Apple);

        Assert.Equal(PushPayloadBuilder.MaxPayloadBytes, Bytes(request));
        Assert.Equal((title[..^4] + NotificationText.Ellipsis, NotificationText.Ellipsis), TextOf(request));
    }
}
