using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsPush.Functions.Tests.EventGrid;
using Microsoft.AspNetCore.Http;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>
/// One <c>tests/fixtures/events/*.json</c> case: the settings, the request (sent <c>repeat</c> times), the stand-in hub's
/// script, what the store does, what happens between deliveries, and the expectations. The format is described in
/// docs/function-app.md; an unknown key anywhere fails the case, so a misspelt expectation cannot quietly check nothing.
/// </summary>
internal sealed class FixtureCase(JsonObject fixture)
{
    private static readonly Dictionary<string, string[]> KnownKeys = new()
    {
        ["the fixture"] = ["description", "config", "request", "hub", "store", "betweenDeliveries", "expect"],
        ["request"] = ["method", "headers", "body", "bodyBase64", "expand", "repeat", "padBodyToBytes"],
        ["hub"] = ["responses", "default"],
        ["hub answer"] = ["status", "headers", "delayMs"],
        ["store"] = ["mode", "failAfterSends"],
        ["betweenDeliveries"] = ["advanceClock", "storeRecovers", "restart"],
        ["expect"] =
        [
            "status", "statuses", "responseBodyContains", "responseHeaders", "pushesTo", "noPushTo", "oncePerRecipient", "pushCount",
            "pushBodyContains", "pushBodyNotContains", "collapsedOnDevice", "answerWithinDeadline", "maxLogMessageChars", "responseMaxChars", "outcomes",
        ],
    };

    public JsonObject Request => fixture["request"]!.AsObject();

    public JsonObject Expect => fixture["expect"]?.AsObject() ?? [];

    public int Deliveries => Request["repeat"]?.GetValue<int>() ?? 1;

    public IEnumerable<KeyValuePair<string, string?>> Config =>
        (fixture["config"]?.AsObject() ?? []).Select(c => KeyValuePair.Create(c.Key, c.Value?.ToString()));

    public IEnumerable<HubAnswer> HubScript => (fixture["hub"]?["responses"]?.AsArray() ?? []).Select(r => ToAnswer(r!.AsObject()));

    public HubAnswer? HubDefault => fixture["hub"]?["default"] is JsonObject fallback ? ToAnswer(fallback) : null;

    /// <summary>What the store turns into once the hub has received <c>failAfterSends</c> requests (0: from the start).</summary>
    public (StoreMode Mode, int AfterSends)? StoreFailure => fixture["store"] is JsonObject store
        ? (Enum.Parse<StoreMode>(store["mode"]!.GetValue<string>(), ignoreCase: true), store["failAfterSends"]?.GetValue<int>() ?? 0)
        : null;

    public JsonObject BetweenDeliveries => fixture["betweenDeliveries"]?.AsObject() ?? [];

    /// <summary>Every key this case uses that the format does not know, with the keys it does.</summary>
    public List<string> UnknownKeys()
    {
        var problems = new List<string>();
        Check(fixture, "the fixture", "the fixture");
        Check(fixture["request"] as JsonObject, "request", "request");
        Check(fixture["hub"] as JsonObject, "hub", "hub");
        Check(fixture["hub"]?["default"] as JsonObject, "hub.default", "hub answer");
        var responses = fixture["hub"]?["responses"] as JsonArray ?? [];
        for (var i = 0; i < responses.Count; i++)
        {
            Check(responses[i] as JsonObject, $"hub.responses[{i}]", "hub answer");
        }

        Check(fixture["store"] as JsonObject, "store", "store");
        Check(fixture["betweenDeliveries"] as JsonObject, "betweenDeliveries", "betweenDeliveries");
        Check(fixture["expect"] as JsonObject, "expect", "expect");
        return problems;

        void Check(JsonObject? section, string where, string kind)
        {
            foreach (var (name, _) in section ?? [])
            {
                if (!KnownKeys[kind].Contains(name, StringComparer.Ordinal))
                {
                    problems.Add($"Unknown key '{name}' in {where}; known keys: {string.Join(", ", KnownKeys[kind])}.");
                }
            }
        }
    }

    /// <summary>A fresh request as the case describes it.</summary>
    public HttpRequest ToHttpRequest()
    {
        var headers = Request["headers"]?.AsObject().ToDictionary(h => h.Key, h => h.Value!.ToString(), StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        headers.Remove("Content-Type", out var contentType);
        var method = Request["method"]?.GetValue<string>() ?? HttpMethods.Post;
        return HttpRequests.Create(method, Body(), contentType, headers);
    }

    private byte[]? Body()
    {
        if (Request["bodyBase64"] is { } base64)
        {
            return Convert.FromBase64String(base64.GetValue<string>());
        }

        var text = Request["body"] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            var node => node.ToJsonString(),
        };
        if (text is null)
        {
            return null;
        }

        foreach (var (token, how) in Request["expand"]?.AsObject() ?? [])
        {
            text = text.Replace(token, string.Concat(Enumerable.Repeat(how!["repeat"]!.GetValue<string>(), how["times"]!.GetValue<int>())), StringComparison.Ordinal);
        }

        if (Request["padBodyToBytes"]?.GetValue<int>() is { } padTo)
        {
            // Trailing white space keeps the JSON valid: only the size is wrong.
            text = text.PadRight(Math.Max(text.Length, padTo));
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static HubAnswer ToAnswer(JsonObject answer) => new(
        answer["status"]?.GetValue<int>() ?? 201,
        answer["headers"]?.AsObject().ToDictionary(h => h.Key, h => h.Value!.ToString()) ?? [],
        TimeSpan.FromMilliseconds(answer["delayMs"]?.GetValue<int>() ?? 0));

    public static TimeSpan ParseTime(JsonNode node) => TimeSpan.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture);
}
