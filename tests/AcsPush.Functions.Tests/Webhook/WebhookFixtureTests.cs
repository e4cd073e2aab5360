using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Notifications;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>
/// Runs every <c>tests/fixtures/events/*.json</c> through the real pipeline (<see cref="WebhookHost"/>): the services of
/// <c>AddApplicationServices</c>, the real Notification Hubs client pointed at <see cref="LoopbackHub"/>, and the
/// idempotency table on Azurite behind a proxy that can stop answering. The format is described in docs/function-app.md.
/// </summary>
public sealed class WebhookFixtureTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "events");

    /// <summary>The fixtures whose store behaves.</summary>
    public static TheoryData<string> Fixtures() => FixtureFiles(storeFails: false);

    /// <summary>The fixtures whose store stops answering: each waits out a delivery's deadline by design.</summary>
    public static TheoryData<string> StoreFaultFixtures() => FixtureFiles(storeFails: true);

    private static TheoryData<string> FixtureFiles(bool storeFails)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(FixtureDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            if ((Load(Path.GetFileName(file)).StoreFailure is not null) == storeFails)
            {
                data.Add(Path.GetFileName(file));
            }
        }

        return data;
    }

    internal static FixtureCase Load(string fixtureFile) =>
        new(JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, fixtureFile)))!.AsObject());

    [Theory]
    [MemberData(nameof(Fixtures))]
    public Task Webhook_Fixture_MeetsExpectations(string fixtureFile) => RunAsync(fixtureFile);

    [Theory]
    [Trait("Category", "Fault")]
    [MemberData(nameof(StoreFaultFixtures))]
    public Task Webhook_StoreFaultFixture_MeetsExpectations(string fixtureFile) => RunAsync(fixtureFile);

    private static async Task RunAsync(string fixtureFile)
    {
        var fixture = Load(fixtureFile);
        var problems = fixture.UnknownKeys();
        Assert.True(problems.Count == 0, $"{fixtureFile}: {string.Join(" ", problems)}");

        await using var hub = await LoopbackHub.StartAsync(fixture.HubScript, fixture.HubDefault);
        await using var host = WebhookHost.Start(hub, fixture.Config);
        if (fixture.StoreFailure is { } failure)
        {
            if (failure.AfterSends == 0)
            {
                host.Store.Mode = failure.Mode;
            }
            else
            {
                // Only ever switches to the failure: requests arrive concurrently, and a late callback must not switch back.
                hub.OnRequest = count =>
                {
                    if (count >= failure.AfterSends)
                    {
                        host.Store.Mode = failure.Mode;
                    }
                };
            }
        }

        var answers = new List<Delivery>();
        for (var i = 0; i < fixture.Deliveries; i++)
        {
            if (i > 0)
            {
                await BetweenDeliveriesAsync(fixture.BetweenDeliveries, host);
            }

            answers.Add(await host.DeliverAsync(fixture.ToHttpRequest()));
        }

        AssertExpectations(fixture.Expect, answers, hub.Requests, host);
    }

    private static async Task BetweenDeliveriesAsync(JsonObject between, WebhookHost host)
    {
        if (between["storeRecovers"]?.GetValue<bool>() == true)
        {
            host.Hub.OnRequest = null;
            host.Store.Mode = StoreMode.Forward;
        }

        if (between["restart"]?.GetValue<bool>() == true)
        {
            await host.RestartAsync();
        }

        if (between["advanceClock"] is { } advance)
        {
            host.Clock.Offset += FixtureCase.ParseTime(advance);
        }
    }

    [Fact]
    public void UnknownKeys_TypoInAnySection_ReportedWithKnownKeys()
    {
        var fixture = new FixtureCase(JsonNode.Parse("""
            {
              "description": "typos",
              "requst": {},
              "request": { "method": "POST", "bodyy": [] },
              "hub": { "responses": [{ "status": 500, "header": {} }], "default": { "statuss": 201 } },
              "store": { "mdoe": "blackhole" },
              "expect": { "status": 200, "pushcount": 0 }
            }
            """)!.AsObject());

        var problems = fixture.UnknownKeys();

        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.Contains("'requst'", StringComparison.Ordinal) && p.Contains("description, config, request", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'bodyy'", StringComparison.Ordinal) && p.Contains("padBodyToBytes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'header'", StringComparison.Ordinal) && p.Contains("hub.responses[0]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'statuss'", StringComparison.Ordinal) && p.Contains("hub.default", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'mdoe'", StringComparison.Ordinal) && p.Contains("failAfterSends", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'pushcount'", StringComparison.Ordinal) && p.Contains("pushCount", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKeys_EveryKnownKey_NoProblems()
    {
        var fixture = new FixtureCase(JsonNode.Parse("""
            {
              "description": "all keys", "config": { "Notifications:IncludeMessageText": "true" },
              "request": { "method": "POST", "headers": {}, "body": [], "bodyBase64": "W10=", "expand": {}, "repeat": 1, "padBodyToBytes": 10 },
              "hub": { "responses": [{ "status": 201, "headers": {}, "delayMs": 0 }], "default": { "status": 201, "headers": {} } },
              "store": { "mode": "blackhole", "failAfterSends": 1 },
              "betweenDeliveries": { "advanceClock": "00:03:00", "storeRecovers": true, "restart": true },
              "expect": { "status": 200, "statuses": [200], "responseBodyContains": [], "responseHeaders": {}, "pushesTo": [], "noPushTo": [],
                          "oncePerRecipient": true, "pushCount": 0, "pushBodyContains": [], "pushBodyNotContains": [], "collapsedOnDevice": true,
                          "answerWithinDeadline": true, "maxLogMessageChars": 1000, "responseMaxChars": 500, "outcomes": {} }
            }
            """)!.AsObject());

        Assert.Empty(fixture.UnknownKeys());
    }

    private static void AssertExpectations(JsonObject expect, IReadOnlyList<Delivery> answers, IReadOnlyList<HubRequest> requests, WebhookHost host)
    {
        var last = answers[^1];
        var sends = requests.Where(r => r.Path.Contains("/messages", StringComparison.Ordinal)).ToList();
        var accepted = sends.Where(s => s.AnsweredStatus is >= 200 and < 300).ToList();

        if (expect["status"] is { } expectedStatus)
        {
            Assert.True(expectedStatus.GetValue<int>() == last.Status, $"Expected status {expectedStatus} but got {last.Status}: {last.Body}");
        }

        if (expect["statuses"] is JsonArray statuses)
        {
            Assert.Equal(statuses.Select(s => s!.GetValue<int>()), answers.Select(a => a.Status));
        }

        foreach (var fragment in Strings(expect["responseBodyContains"]))
        {
            Assert.Contains(fragment, last.Body, StringComparison.Ordinal);
        }

        foreach (var (name, value) in expect["responseHeaders"]?.AsObject() ?? [])
        {
            Assert.Equal(value!.ToString(), last.Request.HttpContext.Response.Headers[name].ToString());
        }

        if (expect["outcomes"] is JsonObject outcomes)
        {
            var reported = JsonDocument.Parse(last.Body).RootElement.GetProperty("outcomes");
            foreach (var (name, count) in outcomes)
            {
                Assert.True(count!.GetValue<int>() == reported.GetProperty(name).GetInt32(), $"outcomes.{name}: expected {count}, answer {last.Body}");
            }
        }

        foreach (var recipient in Strings(expect["pushesTo"]))
        {
            var tag = RecipientTag.For(recipient);
            var formats = accepted.Where(s => s.Tags == tag).Select(s => s.Format).Distinct().Order();
            Assert.True(formats.SequenceEqual(["apple", "fcmv1"]), $"{recipient} should receive an accepted apple and fcmv1 push; got [{string.Join(", ", formats)}]");
        }

        foreach (var recipient in Strings(expect["noPushTo"]))
        {
            Assert.DoesNotContain(sends, s => s.Tags == RecipientTag.For(recipient));
        }

        if (expect["oncePerRecipient"]?.GetValue<bool>() == true)
        {
            var repeated = accepted.GroupBy(s => (s.Tags, s.Format)).Where(g => g.Count() > 1).ToList();
            Assert.True(repeated.Count == 0, $"Pushed more than once: {string.Join(", ", repeated.Select(g => $"{g.Key.Format} to {g.Key.Tags} x{g.Count()}"))}");
        }

        if (expect["collapsedOnDevice"]?.GetValue<bool>() == true)
        {
            // A device shows one notification per collapse identity: every copy of a push must carry the same one.
            foreach (var copies in accepted.GroupBy(s => (s.Tags, s.Format)))
            {
                var ids = copies.Select(CollapseIdOf).Distinct().ToList();
                Assert.True(ids is [{ Length: > 0 }], $"{copies.Key.Format} pushes to {copies.Key.Tags} carry collapse ids [{string.Join(", ", ids)}]");
            }
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

        if (expect["answerWithinDeadline"]?.GetValue<bool>() == true)
        {
            var limit = host.ProcessingDeadline + EventGridWebhook.AnswerMargin;
            Assert.All(answers, a => Assert.True(a.Elapsed <= limit, $"answered after {a.Elapsed.TotalSeconds:0.00} s; the limit is {limit.TotalSeconds:0.00} s"));
        }

        if (expect["maxLogMessageChars"]?.GetValue<int>() is { } maxLog)
        {
            var longest = host.Logs.Messages.MaxBy(m => m.Length) ?? string.Empty;
            Assert.True(longest.Length <= maxLog, $"a log message has {longest.Length} characters: {longest[..Math.Min(300, longest.Length)]}…");
        }

        if (expect["responseMaxChars"]?.GetValue<int>() is { } maxResponse)
        {
            Assert.All(answers, a => Assert.True(a.Body.Length <= maxResponse, $"an answer has {a.Body.Length} characters"));
        }

        Assert.All(sends, s =>
        {
            Assert.StartsWith("SharedAccessSignature ", s.Authorization, StringComparison.Ordinal);
            Assert.True(Encoding.UTF8.GetByteCount(s.Body) <= PushPayloadBuilder.MaxPayloadBytes, "payload over 4096 bytes");
            Assert.False(string.IsNullOrEmpty(CollapseIdOf(s)), "every push carries a collapse identity");
        });
    }

    /// <summary>The collapse identity a device sees: <c>apns-collapse-id</c>, or FCM's <c>android.collapse_key</c> (which must equal its notification tag).</summary>
    internal static string CollapseIdOf(HubRequest send)
    {
        if (send.Format == "apple")
        {
            return send.Headers.GetValueOrDefault(PushPayloadBuilder.AppleCollapseHeader) ?? string.Empty;
        }

        using var json = JsonDocument.Parse(send.Body);
        var android = json.RootElement.GetProperty("message").GetProperty("android");
        var key = android.GetProperty("collapse_key").GetString() ?? string.Empty;
        return key == android.GetProperty("notification").GetProperty("tag").GetString() ? key : $"{key} (tag differs)";
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(n => n!.GetValue<string>()),
        _ => [node.GetValue<string>()],
    };
}
