using System.Text;
using AcsPush.Functions.Installations;
using Xunit;
using static AcsPush.Functions.Tests.Installations.InstallationsHost;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>
/// Bodies whose text is not valid Unicode (bytes that are not UTF-8, escapes of unpaired UTF-16 surrogates) anywhere:
/// each is answered 400 with a JSON problem, and neither the hub nor the records are touched. The bodies are built here
/// byte by byte, since a C# string cannot carry invalid UTF-8 and test runners rewrite unpaired surrogates.
/// </summary>
public class MalformedTextTests
{
    private const string Id = "phone-1";

    private readonly MockedEndpoint mocked = new();

    private InstallationEndpoint Endpoint => mocked.Create();

    /// <summary>Concatenates text (encoded as UTF-8) and raw bytes.</summary>
    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(part => part switch
        {
            string text => Encoding.UTF8.GetBytes(text),
            byte[] raw => raw,
            _ => throw new ArgumentException("text or bytes", nameof(parts)),
        })];

    private async Task AssertRefusedAsync(string name, byte[] body, string field = "body")
    {
        var (status, problem) = Read(await Endpoint.HandleAsync(Put(body), Id));

        Assert.True(status == 400, $"{name}: status {status}");
        var validation = Assert.IsType<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(problem);
        Assert.True(validation.Errors.ContainsKey(field), $"{name}: errors name {string.Join(", ", validation.Errors.Keys)}, not {field}");
        mocked.VerifyUntouched();
    }

    [Fact]
    public async Task Put_UnpairedSurrogateEscapeInAnyString_Returns400()
    {
        // The six characters \ud800 and \udc00 as they appear in JSON text.
        const string high = "\\ud800";
        const string low = "\\udc00";
        var cases = new (string Name, string Json)[]
        {
            ("high surrogate in userId", $$"""{"platform":"apns","pushChannel":"{{TokenA}}","userId":"8:acs:{{high}}"}"""),
            ("low surrogate in pushChannel", $$"""{"platform":"fcmv1","pushChannel":"tok{{low}}en","userId":"{{UserA}}"}"""),
            ("reversed pair in platform", $$"""{"platform":"ap{{low}}{{high}}ns","pushChannel":"{{TokenA}}","userId":"{{UserA}}"}"""),
            ("surrogate in installationId member", $$"""{"installationId":"phone{{high}}","platform":"apns","pushChannel":"{{TokenA}}","userId":"{{UserA}}"}"""),
            ("surrogate in a property name", $$"""{"x{{high}}":1,"platform":"apns","pushChannel":"{{TokenA}}","userId":"{{UserA}}"}"""),
            ("surrogate in an ignored member", $$"""{"note":"{{low}}","platform":"apns","pushChannel":"{{TokenA}}","userId":"{{UserA}}"}"""),
            ("surrogate nested in an array", $$"""{"extra":[1,{"deep":["{{high}}"]}],"platform":"apns","pushChannel":"{{TokenA}}","userId":"{{UserA}}"}"""),
            ("high surrogate at the end of a string", $$"""{"platform":"apns","pushChannel":"{{TokenA}}","userId":"{{UserA}}{{high}}"}"""),
        };

        foreach (var (name, json) in cases)
        {
            await AssertRefusedAsync(name, Bytes(json));
        }
    }

    [Fact]
    public async Task Put_BytesThatAreNotUtf8_Returns400()
    {
        var cases = new (string Name, byte[] Body)[]
        {
            ("0xFF inside userId", Bytes("""{"platform":"apns","pushChannel":"a","userId":"8:acs:""", new byte[] { 0xFF }, "\"}")),
            ("overlong '/' inside a value", Bytes("""{"platform":"apns","note":"a""", new byte[] { 0xC0, 0xAF }, "\"}")),
            ("encoded surrogate (CESU-8) inside a value", Bytes("""{"platform":"apns","note":""", new byte[] { 0xED, 0xA0, 0x80 }, "\"}")),
            ("truncated sequence before the quote", Bytes("""{"platform":"apns","note":"x""", new byte[] { 0xE2, 0x82 }, "\"}")),
            ("lone continuation byte in a property name", Bytes("{\"", new byte[] { 0x80 }, "\":1}")),
            ("0xFE between tokens", Bytes("{", new byte[] { 0xFE }, "}")),
            ("Latin-1 text sent as UTF-8", Bytes("""{"platform":"apns","note":"Gr""", new byte[] { 0xFC }, "n\"}")),
        };

        foreach (var (name, body) in cases)
        {
            await AssertRefusedAsync(name, body);
        }
    }

    [Fact]
    public async Task Delete_UserIdQueryWithReplacementCharacter_Returns400NamingUserId()
    {
        // A lone surrogate in a URL reaches the app as U+FFFD once percent-decoded.
        var userId = "8:acs:abc" + '\ud800';

        var (status, problem) = Read(await Endpoint.HandleAsync(Delete(userId), Id));

        Assert.Equal(400, status);
        Assert.Equal(["userId"], Assert.IsType<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(problem).Errors.Keys);
        mocked.VerifyUntouched();
    }
}
