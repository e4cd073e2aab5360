using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.EventGrid;
using AcsPush.Functions.Tests.Idempotency;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>
/// Runs every <c>tests/fixtures/events/*.json</c> through the real pipeline: the services of
/// <c>AddApplicationServices</c>, the real Notification Hubs client pointed at <see cref="LoopbackHub"/>, and
/// the idempotency table on Azurite. The file format is described in docs/function-app.md.
/// </summary>
public sealed class WebhookFixtureTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "events");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(FixtureDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Webhook_Fixture_MeetsExpectations(string fixtureFile)
    {
        var fixture = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(FixtureDirectory, fixtureFile)))!.AsObject();
        var problems = UnknownKeys(fixture);
        Assert.True(problems.Count == 0, $"{fixtureFile}: {string.Join(" ", problems)}");
        var request = fixture["request"]!.AsObject();
        var expect = fixture["expect"]?.AsObject() ?? [];
        var hubConfig = fixture["hub"]?.AsObject();
        var tableName = AzuriteTables.UniqueTableName("fixture");

        await using var hub = await LoopbackHub.StartAsync(
            (hubConfig?["responses"]?.AsArray() ?? []).Select(r => ToAnswer(r!.AsObject())),
            hubConfig?["default"] is JsonObject fallback ? ToAnswer(fallback) : null);
        await using var services = BuildServices(hub, tableName, fixture["config"]?.AsObject());
        try
        {
            var webhook = ActivatorUtilities.CreateInstance<EventGridWebhook>(services);
            var deliveries = request["repeat"]?.GetValue<int>() ?? 1;
            (int Status, string Body) answer = (0, string.Empty);
            HttpRequest httpRequest = null!;
            for (var i = 0; i < deliveries; i++)
            {
                httpRequest = ToHttpRequest(request);
                answer = HttpRequests.Read(await webhook.RunAsync(httpRequest));
            }

            AssertExpectations(expect, answer.Status, answer.Body, httpRequest.HttpContext.Response.Headers, hub.Requests);
        }
        finally
        {
            await AzuriteTables.ServiceClient().DeleteTableAsync(tableName);
        }
    }

    [Fact]
    public void UnknownKeys_TypoInAnySection_ReportedWithKnownKeys()
    {
        var fixture = JsonNode.Parse("""
            {
              "description": "typos",
              "requst": {},
              "request": { "method": "POST", "bodyy": [] },
              "hub": { "responses": [{ "status": 500, "header": {} }], "default": { "statuss": 201 } },
              "expect": { "status": 200, "pushcount": 0 }
            }
            """)!.AsObject();

        var problems = UnknownKeys(fixture);

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.Contains("'requst'", StringComparison.Ordinal) && p.Contains("description, config, request, hub, expect", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'bodyy'", StringComparison.Ordinal) && p.Contains("padBodyToBytes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'header'", StringComparison.Ordinal) && p.Contains("hub.responses[0]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'statuss'", StringComparison.Ordinal) && p.Contains("hub.default", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'pushcount'", StringComparison.Ordinal) && p.Contains("pushCount", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKeys_EveryKnownKey_NoProblems()
    {
        var fixture = JsonNode.Parse("""
            {
              "description": "all keys", "config": { "Notifications:IncludeMessageText": "true" },
              "request": { "method": "POST", "headers": {}, "body": [], "repeat": 1, "padBodyToBytes": 10 },
              "hub": { "responses": [{ "status": 201, "headers": {} }], "default": { "status": 201, "headers": {} } },
              "expect": { "status": 200, "responseBodyContains": [], "responseHeaders": {}, "pushesTo": [], "noPushTo": [],
                          "oncePerRecipient": true, "pushCount": 0, "pushBodyContains": [], "pushBodyNotContains": [] }
            }
            """)!.AsObject();

        Assert.Empty(UnknownKeys(fixture));
    }

    private static readonly string[] TopLevelKeys = ["description", "config", "request", "hub", "expect"];
    private static readonly string[] RequestKeys = ["method", "headers", "body", "repeat", "padBodyToBytes"];
    private static readonly string[] HubKeys = ["responses", "default"];
    private static readonly string[] HubAnswerKeys = ["status", "headers"];
    private static readonly string[] ExpectKeys =
        ["status", "responseBodyContains", "responseHeaders", "pushesTo", "noPushTo", "oncePerRecipient", "pushCount", "pushBodyContains", "pushBodyNotContains"];

    // A misspelt key would otherwise be ignored and quietly weaken the case.
    private static List<string> UnknownKeys(JsonObject fixture)
    {
        var problems = new List<string>();
        Check(fixture, "the fixture", TopLevelKeys);
        Check(fixture["request"] as JsonObject, "request", RequestKeys);
        Check(fixture["hub"] as JsonObject, "hub", HubKeys);
        Check(fixture["hub"]?["default"] as JsonObject, "hub.default", HubAnswerKeys);
        var responses = fixture["hub"]?["responses"] as JsonArray ?? [];
        for (var i = 0; i < responses.Count; i++)
        {
            Check(responses[i] as JsonObject, $"hub.responses[{i}]", HubAnswerKeys);
        }

        Check(fixture["expect"] as JsonObject, "expect", ExpectKeys);
        return problems;

        void Check(JsonObject? section, string where, string[] known)
        {
            foreach (var (name, _) in section ?? [])
            {
                if (!known.Contains(name, StringComparer.Ordinal))
                {
                    problems.Add($"Unknown key '{name}' in {where}; known keys: {string.Join(", ", known)}.");
                }
            }
        }
    }

    private static ServiceProvider BuildServices(LoopbackHub hub, string tableName, JsonObject? overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["NotificationHubs:ConnectionString"] = $"Endpoint={hub.BaseAddress};SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=dGVzdC1rZXktbm90LWEtc2VjcmV0",
            ["NotificationHubs:HubName"] = "com.contoso.chat",
            ["NotificationHubs:MaxAttempts"] = "3",
            ["NotificationHubs:TimeBudget"] = "00:00:05",
            ["NotificationHubs:AttemptTimeout"] = "00:00:02",
            ["NotificationHubs:BaseDelay"] = "00:00:00.010",
            ["NotificationHubs:MaxDelay"] = "00:00:00.050",
            ["Idempotency:ConnectionString"] = AzuriteTables.ConnectionString,
            ["Idempotency:TableName"] = tableName,
            ["Webhook:ProcessingDeadline"] = "00:00:20",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value?.ToString();
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddApplicationServices();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static HubAnswer ToAnswer(JsonObject answer) => new(
        answer["status"]?.GetValue<int>() ?? 201,
        answer["headers"]?.AsObject().ToDictionary(h => h.Key, h => h.Value!.ToString()) ?? []);

    private static HttpRequest ToHttpRequest(JsonObject request)
    {
        var headers = request["headers"]?.AsObject().ToDictionary(h => h.Key, h => h.Value!.ToString(), StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        headers.Remove("Content-Type", out var contentType);
        var bodyText = request["body"] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            var node => node.ToJsonString(),
        };
        if (bodyText is not null && request["padBodyToBytes"]?.GetValue<int>() is { } padTo)
        {
            // Trailing white space keeps the JSON valid: only the size is wrong.
            bodyText = bodyText.PadRight(Math.Max(bodyText.Length, padTo));
        }

        var method = request["method"]?.GetValue<string>() ?? HttpMethods.Post;
        return HttpRequests.Create(method, bodyText is null ? null : Encoding.UTF8.GetBytes(bodyText), contentType, headers);
    }

    private static void AssertExpectations(JsonObject expect, int status, string body, IHeaderDictionary responseHeaders, IReadOnlyList<HubRequest> requests)
    {
        var sends = requests.Where(r => r.Path.Contains("/messages", StringComparison.Ordinal)).ToList();

        if (expect["status"] is { } expectedStatus)
        {
            Assert.True(expectedStatus.GetValue<int>() == status, $"Expected status {expectedStatus} but got {status}: {body}");
        }

        foreach (var fragment in Strings(expect["responseBodyContains"]))
        {
            Assert.Contains(fragment, body, StringComparison.Ordinal);
        }

        foreach (var (name, value) in expect["responseHeaders"]?.AsObject() ?? [])
        {
            Assert.Equal(value!.ToString(), responseHeaders[name].ToString());
        }

        foreach (var recipient in Strings(expect["pushesTo"]))
        {
            var tag = RecipientTag.For(recipient);
            var formats = sends.Where(s => s.Tags == tag && s.AnsweredStatus is >= 200 and < 300).Select(s => s.Format).Distinct().Order();
            Assert.True(formats.SequenceEqual(["apple", "fcmv1"]), $"{recipient} should receive an accepted apple and fcmv1 push; got [{string.Join(", ", formats)}]");
        }

        foreach (var recipient in Strings(expect["noPushTo"]))
        {
            var tag = RecipientTag.For(recipient);
            Assert.DoesNotContain(sends, s => s.Tags == tag);
        }

        if (expect["oncePerRecipient"]?.GetValue<bool>() == true)
        {
            var repeated = sends.Where(s => s.AnsweredStatus is >= 200 and < 300).GroupBy(s => (s.Tags, s.Format)).Where(g => g.Count() > 1).ToList();
            Assert.True(repeated.Count == 0, $"Pushed more than once: {string.Join(", ", repeated.Select(g => $"{g.Key.Format} to {g.Key.Tags} x{g.Count()}"))}");
        }

        if (expect["pushCount"] is { } pushCount)
        {
            Assert.Equal(pushCount.GetValue<int>(), sends.Count);
        }

        foreach (var fragment in Strings(expect["pushBodyContains"]))
        {
            Assert.Contains(sends, s => s.Body.Contains(fragment, StringComparison.Ordinal));
        }

        foreach (var fragment in Strings(expect["pushBodyNotContains"]))
        {
            Assert.DoesNotContain(sends, s => s.Body.Contains(fragment, StringComparison.Ordinal));
        }

        Assert.All(sends, s =>
        {
            Assert.StartsWith("SharedAccessSignature ", s.Authorization, StringComparison.Ordinal);
            Assert.True(Encoding.UTF8.GetByteCount(s.Body) <= PushPayloadBuilder.MaxPayloadBytes, "payload over 4096 bytes");
            using var _ = JsonDocument.Parse(s.Body);
        });
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(n => n!.GetValue<string>()),
        _ => [node.GetValue<string>()],
    };
}
