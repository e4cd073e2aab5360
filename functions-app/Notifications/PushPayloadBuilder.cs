using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AcsPush.Functions.NotificationHubs;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// Builds the native APNs and FCM v1 payloads for a <see cref="PushNotification"/>. Both platforms cap a
/// payload at 4 KB, so when the text does not fit the body (then the title) is shortened on grapheme
/// boundaries, with an ellipsis, until the UTF-8 payload is at most <see cref="MaxPayloadBytes"/>. The ids in a payload
/// are bounded by routing (<see cref="AcsIds"/>: at most 256 characters JSON never escapes), so every push fits.
/// Every push carries the collapse identity of its event (<see cref="PushNotification.CollapseId"/>): APNs'
/// <c>apns-collapse-id</c> header and FCM's <c>android.collapse_key</c> and <c>android.notification.tag</c>, so a
/// duplicate that reaches a device replaces the first notification instead of showing twice.
/// </summary>
public static class PushPayloadBuilder
{
    /// <summary>Largest payload either platform accepts, in UTF-8 bytes.</summary>
    public const int MaxPayloadBytes = 4096;

    // Raw UTF-8 instead of \uXXXX escapes: a payload is JSON read by APNs and FCM, never embedded in HTML,
    // and escaping accented or CJK text would double or triple its size against the 4 KB limit. (Characters
    // outside the Basic Multilingual Plane, such as emoji, are still escaped by this encoder.)
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>APNs header that makes a later notification with the same value replace an earlier one (at most 64 bytes).</summary>
    public const string AppleCollapseHeader = "apns-collapse-id";

    /// <summary>The formats every recipient is sent, one push each.</summary>
    public static IReadOnlyList<NotificationFormat> Formats { get; } = [NotificationFormat.Apple, NotificationFormat.FcmV1];

    /// <summary>Name of a format as Notification Hubs spells it (<c>apple</c>, <c>fcmv1</c>).</summary>
    public static string FormatName(NotificationFormat format) => format.WireName();

    /// <summary>Builds the request for <paramref name="format"/>; the body is at most <see cref="MaxPayloadBytes"/> bytes.</summary>
    public static NotificationRequest Build(PushNotification push, NotificationFormat format)
    {
        ArgumentNullException.ThrowIfNull(push);
        Func<string, string, byte[]> write = format switch
        {
            NotificationFormat.Apple => (title, body) => WriteApple(push, title, body),
            NotificationFormat.FcmV1 => (title, body) => WriteFcmV1(push, title, body),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown notification format."),
        };

        var payload = Fit(write, push.Title, push.Body);
        return new NotificationRequest(format, Encoding.UTF8.GetString(payload), format == NotificationFormat.Apple ? AppleHeaders(push) : null);
    }

    private static Dictionary<string, string> AppleHeaders(PushNotification push) => new()
    {
        ["apns-push-type"] = "alert",
        ["apns-priority"] = "10",
        [AppleCollapseHeader] = push.CollapseId,
    };

    private static byte[] Fit(Func<string, string, byte[]> write, string title, string body)
    {
        var payload = write(title, body);
        if (payload.Length <= MaxPayloadBytes)
        {
            return payload;
        }

        var bodyElements = NotificationText.TextElements(body);
        var fitted = LongestFitting(bodyElements, count => write(title, NotificationText.Shorten(bodyElements, count)));
        if (fitted is not null)
        {
            return fitted;
        }

        var titleElements = NotificationText.TextElements(title);
        return LongestFitting(titleElements, count => write(NotificationText.Shorten(titleElements, count), NotificationText.Ellipsis))
            ?? throw new InvalidOperationException("The notification does not fit in 4096 bytes even without text.");
    }

    // Binary search for the most elements whose payload fits; null when not even zero elements fit.
    private static byte[]? LongestFitting(IReadOnlyList<string> elements, Func<int, byte[]> writeWith)
    {
        byte[]? best = null;
        int low = 0, high = elements.Count;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var candidate = writeWith(middle);
            if (candidate.Length <= MaxPayloadBytes)
            {
                best = candidate;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return best;
    }

    private static byte[] WriteApple(PushNotification push, string title, string body) => Write(writer =>
    {
        writer.WriteStartObject("aps");
        writer.WriteStartObject("alert");
        writer.WriteString("title", title);
        writer.WriteString("body", body);
        writer.WriteEndObject();
        writer.WriteString("sound", "default");
        writer.WriteString("thread-id", push.ThreadId);
        writer.WriteNumber("mutable-content", 1);
        writer.WriteEndObject();
        WriteData(writer, push);
    });

    private static byte[] WriteFcmV1(PushNotification push, string title, string body) => Write(writer =>
    {
        writer.WriteStartObject("message");
        writer.WriteStartObject("notification");
        writer.WriteString("title", title);
        writer.WriteString("body", body);
        writer.WriteEndObject();
        writer.WriteStartObject("data");
        WriteData(writer, push);
        writer.WriteEndObject();
        writer.WriteStartObject("android");
        writer.WriteString("priority", "high");
        writer.WriteString("collapse_key", push.CollapseId);
        writer.WriteStartObject("notification");
        writer.WriteString("tag", push.CollapseId);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    // Custom keys shared by both platforms; FCM requires every data value to be a string.
    private static void WriteData(Utf8JsonWriter writer, PushNotification push)
    {
        writer.WriteString("threadId", push.ThreadId);
        if (push.MessageId is not null)
        {
            writer.WriteString("messageId", push.MessageId);
        }

        writer.WriteString("type", push.Kind);
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
