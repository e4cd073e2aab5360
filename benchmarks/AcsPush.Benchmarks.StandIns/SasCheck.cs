using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AcsPush.Benchmarks.StandIns;

/// <summary>
/// Checks a <c>SharedAccessSignature sr=&amp;sig=&amp;se=&amp;skn=</c> header the way Notification Hubs does: the
/// policy name matches, the token has not expired, the signed resource covers the request, and the signature is
/// the HMAC-SHA256 (keyed with the key's UTF-8 bytes) of <c>sr</c> as sent, a line feed and <c>se</c>.
/// </summary>
internal sealed class SasCheck(string keyName, string key)
{
    private const string Scheme = "SharedAccessSignature ";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    public bool IsValid(string header, string requestResource, DateTimeOffset now)
    {
        if (!header.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var fields = header[Scheme.Length..]
            .Split('&')
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("sr", out var resource) || !fields.TryGetValue("sig", out var signature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var name))
        {
            return false;
        }

        if (Uri.UnescapeDataString(name) != keyName
            || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)
            || DateTimeOffset.FromUnixTimeSeconds(expiresAt) <= now
            || !requestResource.StartsWith(Uri.UnescapeDataString(resource), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(resource + "\n" + expiry));
        Span<byte> given = stackalloc byte[64];
        return Convert.TryFromBase64String(Uri.UnescapeDataString(signature), given, out var length)
            && CryptographicOperations.FixedTimeEquals(given[..length], expected);
    }
}
