using AcsPush.Functions.NotificationHubs;
using Xunit;

namespace AcsPush.Functions.Tests.NotificationHubs;

public class SharedAccessSignatureTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    private const string KeyName = "DefaultFullSharedAccessSignature";

    // Expected signatures were computed outside .NET:
    //   key='c2VjcmV0LWtleS1mb3ItdGVzdHM='
    //   printf '%s\n%s' "$encodedUri" "$expiry" | openssl dgst -sha256 -hmac "$key" -binary | base64
    [Theory]
    [InlineData(
        "https://contoso-ns.servicebus.windows.net/alerts-hub/messages/",
        1767225600L,
        "https%3a%2f%2fcontoso-ns.servicebus.windows.net%2falerts-hub%2fmessages%2f",
        "ZFFwiT5LpISyPSWehM9VHKH/Iv4zvDuRbgo4BgyXLHY=")]
    [InlineData(
        "https://Contoso-NS.servicebus.windows.net/Alerts.Hub/installations/Device_01",
        1798761600L,
        "https%3a%2f%2fcontoso-ns.servicebus.windows.net%2falerts.hub%2finstallations%2fdevice_01",
        "7mO6XgZuOTbXeeUMezGe1RH5Yh8q3g6zK1dX62Ad+pY=")]
    public void Create_KnownInputs_MatchesOpensslSignature(string uri, long expiry, string encodedUri, string base64Signature)
    {
        var token = SharedAccessSignature.Create(uri, KeyName, Key, DateTimeOffset.FromUnixTimeSeconds(expiry));

        Assert.Equal(
            $"SharedAccessSignature sr={encodedUri}&sig={Uri.EscapeDataString(base64Signature)}&se={expiry}&skn={KeyName}",
            token);
    }

    [Fact]
    public void Create_DifferentExpiry_ChangesSignatureAndExpiry()
    {
        var uri = "https://contoso-ns.servicebus.windows.net/alerts-hub/messages/";
        var first = SasParts.Parse(SharedAccessSignature.Create(uri, KeyName, Key, DateTimeOffset.FromUnixTimeSeconds(1767225600)));
        var second = SasParts.Parse(SharedAccessSignature.Create(uri, KeyName, Key, DateTimeOffset.FromUnixTimeSeconds(1767225601)));

        Assert.Equal("1767225600", first.Expiry);
        Assert.Equal("1767225601", second.Expiry);
        Assert.NotEqual(first.Signature, second.Signature);
    }

    [Fact]
    public void Create_Always_DoesNotContainTheKey()
    {
        var token = SharedAccessSignature.Create(
            "https://contoso-ns.servicebus.windows.net/alerts-hub", KeyName, Key, DateTimeOffset.FromUnixTimeSeconds(1767225600));

        Assert.DoesNotContain(Key, token, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Key), token, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", KeyName, Key)]
    [InlineData("https://contoso-ns.servicebus.windows.net/hub", "", Key)]
    [InlineData("https://contoso-ns.servicebus.windows.net/hub", KeyName, "")]
    public void Create_MissingInput_Throws(string uri, string keyName, string key)
    {
        Assert.ThrowsAny<ArgumentException>(() => SharedAccessSignature.Create(uri, keyName, key, DateTimeOffset.UnixEpoch));
    }
}
