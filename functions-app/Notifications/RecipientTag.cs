using System.Security.Cryptography;
using System.Text;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// Derives the Notification Hubs tag for an ACS user. Tags are stored unencrypted in the hub, so the raw
/// ACS id never appears in one: the tag is a SHA-256 hash of it. The installations endpoint and the
/// event router must use this same function, or pushes miss their devices.
/// </summary>
public static class RecipientTag
{
    /// <summary>Prefix of every recipient tag.</summary>
    public const string Prefix = "acsuser_";

    /// <summary>Returns <c>acsuser_</c> followed by the lower-case hex SHA-256 of the raw id (72 characters).</summary>
    public static string For(string acsRawId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(acsRawId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(acsRawId.Trim()));
        return Prefix + Convert.ToHexStringLower(hash);
    }
}
