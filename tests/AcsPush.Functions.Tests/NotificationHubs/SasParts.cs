using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>The four fields of a <c>SharedAccessSignature</c> header, as sent (still URL-encoded).</summary>
internal sealed record SasParts(string ResourceUri, string Signature, string Expiry, string KeyName)
{
    public static SasParts Parse(string header)
    {
        const string Scheme = "SharedAccessSignature ";
        Assert.StartsWith(Scheme, header, StringComparison.Ordinal);
        var fields = header[Scheme.Length..]
            .Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        Assert.Equal(["se", "sig", "skn", "sr"], fields.Keys.Order(StringComparer.Ordinal));
        return new SasParts(fields["sr"], fields["sig"], fields["se"], fields["skn"]);
    }

    /// <summary>Recomputes the signature from the other fields with <paramref name="key"/>, independently of the client.</summary>
    public string ExpectedSignature(string key)
    {
        var signed = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(ResourceUri + "\n" + Expiry));
        return Uri.EscapeDataString(Convert.ToBase64String(signed));
    }
}
