using System.Text.Json;
using System.Text.RegularExpressions;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.Installations;

/// <summary>
/// A validated <c>PUT /api/installations/{installationId}</c> body. Tags are never read from the caller: the
/// endpoint derives the only tag from <see cref="UserId"/>.
/// </summary>
internal sealed partial record InstallationRequest(InstallationPlatform Platform, string PushChannel, string UserId)
{
    /// <summary>Largest accepted body; a real one is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>Longest accepted ACS user id (real ones are about 90 characters).</summary>
    public const int MaxUserIdLength = 256;

    /// <summary>Longest accepted FCM registration token (real ones are about 160-200 characters).</summary>
    public const int MaxFcmTokenLength = 4096;

    /// <summary>Checks the route's installation id: 1-64 characters, letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
    public static bool IsValidInstallationId(string? installationId) =>
        installationId is not null && InstallationIdPattern().IsMatch(installationId);

    // "8:acs:, 8:spool:, 8:gcch-acs: or 8:dod-acs:"
    private static readonly string UserIdRule =
        "userId must be the raw id of an Azure Communication Services user: "
        + string.Join(", ", CommunicationRecipient.CommunicationUserPrefixes.Take(CommunicationRecipient.CommunicationUserPrefixes.Count - 1))
        + " or " + CommunicationRecipient.CommunicationUserPrefixes[^1]
        + " followed by the id (letters, digits, '-', '_'), at most 256 characters.";

    public const string InstallationIdRule =
        "installationId must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";

    /// <summary>Reads and validates a body; on failure <paramref name="errors"/> names every bad field.</summary>
    public static InstallationRequest? Parse(ReadOnlyMemory<byte> body, string installationId, IDictionary<string, string[]> errors)
    {
        if (body.IsEmpty)
        {
            errors["body"] = ["A JSON body is required: {\"platform\":\"apns|fcmv1\",\"pushChannel\":\"...\",\"userId\":\"8:acs:...\"}."];
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            errors["body"] = ["The body is not valid JSON."];
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["The body must be a JSON object."];
                return null;
            }

            // Names and values are decoded only below; one with an escape that is not valid Unicode (an unpaired
            // surrogate such as \ud800) or bytes that are not UTF-8 would otherwise fail there, mid-request.
            if (!IsValidText(root))
            {
                errors["body"] = ["The body contains text that is not valid Unicode: invalid UTF-8 bytes or an unpaired surrogate escape such as \\ud800."];
                return null;
            }

            string? platformText = null, pushChannel = null, userId = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var name = property.Name.ToUpperInvariant();
                if (!seen.Add(name) && KnownMembers.TryGetValue(name, out var field))
                {
                    errors[field] = [$"{field} appears more than once; send each member once."];
                    continue;
                }

                switch (name)
                {
                    case "PLATFORM":
                        platformText = ReadString(property, "platform", errors);
                        break;
                    case "PUSHCHANNEL":
                        pushChannel = ReadString(property, "pushChannel", errors);
                        break;
                    case "USERID":
                        userId = ReadString(property, "userId", errors);
                        break;
                    case "TAGS":
                        errors["tags"] = ["Tags are set by the server from userId and must not be sent."];
                        break;
                    case "INSTALLATIONID":
                        if (property.Value.ValueKind != JsonValueKind.String ||
                            !string.Equals(property.Value.GetString(), installationId, StringComparison.Ordinal))
                        {
                            errors["installationId"] = ["installationId in the body, when present, must equal the one in the URL."];
                        }

                        break;
                    default:
                        // Unknown members are ignored so that clients may send more than this endpoint uses.
                        break;
                }
            }

            var platform = ValidatePlatform(platformText, errors);
            pushChannel = ValidatePushChannel(pushChannel, platform, errors);
            ValidateUserId(userId, errors);

            return errors.Count == 0 ? new InstallationRequest(platform!.Value, pushChannel!, userId!) : null;
        }
    }

    /// <summary>Reads the <c>userId</c> query parameter of a DELETE; on failure <paramref name="errors"/> names it.</summary>
    public static string? ParseUserIdQuery(Microsoft.Extensions.Primitives.StringValues values, IDictionary<string, string[]> errors)
    {
        if (values.Count != 1)
        {
            errors["userId"] = [values.Count == 0
                ? "DELETE names the user whose device it removes: ?userId=<the ACS user id the installation was registered for>."
                : "userId must be given once."];
            return null;
        }

        ValidateUserId(values[0], errors);
        return errors.Count == 0 ? values[0] : null;
    }

    private static readonly Dictionary<string, string> KnownMembers = new(StringComparer.Ordinal)
    {
        ["PLATFORM"] = "platform",
        ["PUSHCHANNEL"] = "pushChannel",
        ["USERID"] = "userId",
        ["TAGS"] = "tags",
        ["INSTALLATIONID"] = "installationId",
    };

    /// <summary>True when every property name and string in <paramref name="element"/> decodes to valid UTF-16.</summary>
    private static bool IsValidText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(p => IsValidName(p) && IsValidText(p.Value));
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(IsValidText);
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsValidName(JsonProperty property)
    {
        _ = property.Name;
        return true;
    }

    private static string? ReadString(JsonProperty property, string field, IDictionary<string, string[]> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.String)
        {
            return property.Value.GetString();
        }

        errors[field] = [$"{field} must be a string."];
        return null;
    }

    private static InstallationPlatform? ValidatePlatform(string? platform, IDictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("platform"))
        {
            return null;
        }

        if (string.Equals(platform, "apns", StringComparison.OrdinalIgnoreCase))
        {
            return InstallationPlatform.Apns;
        }

        if (string.Equals(platform, "fcmv1", StringComparison.OrdinalIgnoreCase))
        {
            return InstallationPlatform.FcmV1;
        }

        errors["platform"] = [platform is null ? "platform is required: 'apns' or 'fcmv1'." : "platform must be 'apns' or 'fcmv1'."];
        return null;
    }

    private static string? ValidatePushChannel(string? pushChannel, InstallationPlatform? platform, IDictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("pushChannel"))
        {
            return null;
        }

        if (string.IsNullOrEmpty(pushChannel))
        {
            errors["pushChannel"] = ["pushChannel is required: the device token from APNs or FCM."];
            return null;
        }

        switch (platform)
        {
            case InstallationPlatform.Apns when !ApnsTokenPattern().IsMatch(pushChannel) || pushChannel.Length % 2 != 0:
                errors["pushChannel"] = ["For apns, pushChannel must be the device token as 64-200 hexadecimal characters (an even number)."];
                return null;
            case InstallationPlatform.Apns:
#pragma warning disable CA1308 // APNs tokens are conventionally lower-case hex; one spelling keeps PUTs idempotent
                return pushChannel.ToLowerInvariant();
#pragma warning restore CA1308
            case InstallationPlatform.FcmV1 when !FcmTokenPattern().IsMatch(pushChannel):
                errors["pushChannel"] = [$"For fcmv1, pushChannel must be the FCM registration token: 1-{MaxFcmTokenLength} printable characters without spaces."];
                return null;
            default:
                return pushChannel;
        }
    }

    private static void ValidateUserId(string? userId, IDictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("userId"))
        {
            return;
        }

        if (userId is null || userId.Length > MaxUserIdLength || !AcsUserIdPattern().IsMatch(userId))
        {
            errors["userId"] = [UserIdRule];
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex InstallationIdPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{64,200}$")]
    private static partial Regex ApnsTokenPattern();

    [GeneratedRegex("^[\\x21-\\x7E]{1,4096}$")]
    private static partial Regex FcmTokenPattern();

    // Communication user raw ids: one of CommunicationRecipient's prefixes followed by the id.
    [GeneratedRegex("^(?=.{1,256}$)8:(" + CommunicationRecipient.CommunicationUserKinds + "):[A-Za-z0-9_-]+$")]
    private static partial Regex AcsUserIdPattern();
}
