using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// Builds the <c>Authorization</c> header value Notification Hubs expects
/// (<c>SharedAccessSignature sr=&amp;sig=&amp;se=&amp;skn=</c>). Pure and deterministic: the expiry is passed in.
/// </summary>
public static class SharedAccessSignature
{
    /// <summary>
    /// Signs <paramref name="resourceUri"/>: HMAC-SHA256, keyed with the UTF-8 bytes of <paramref name="key"/>, over
    /// the lower-cased, URL-encoded URI, a line feed and the expiry in Unix seconds.
    /// </summary>
    /// <param name="resourceUri">The URI the token grants access to (the request URI without its query).</param>
    /// <param name="keyName">The shared access policy name (<c>SharedAccessKeyName</c>).</param>
    /// <param name="key">The shared access key, used as text (it is not base64-decoded).</param>
    /// <param name="expiresAt">When the token stops being accepted.</param>
    public static string Create(string resourceUri, string keyName, string key, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyName);
        ArgumentException.ThrowIfNullOrEmpty(key);

        // Lower-casing before and after encoding follows the Notification Hubs REST "common concepts" sample;
        // the service only needs sr and the signed string to match, and this keeps both canonical.
#pragma warning disable CA1308 // the service documents lower case
        var encodedUri = Uri.EscapeDataString(resourceUri.ToLowerInvariant()).ToLowerInvariant();
#pragma warning restore CA1308
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(key),
            Encoding.UTF8.GetBytes(encodedUri + "\n" + expiry));

        return string.Create(
            CultureInfo.InvariantCulture,
            $"SharedAccessSignature sr={encodedUri}&sig={Uri.EscapeDataString(Convert.ToBase64String(signature))}&se={expiry}&skn={Uri.EscapeDataString(keyName)}");
    }
}
