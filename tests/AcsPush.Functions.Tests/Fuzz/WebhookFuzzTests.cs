using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.EventGrid;
using AcsPush.Functions.Tests.Webhook;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace AcsPush.Functions.Tests.Fuzz;

/// <summary>
/// 10,000 mutated deliveries, generated from the fixture corpus with a fixed seed, through the real pipeline
/// (<c>AddApplicationServices</c>, loopback hub, Azurite) with the hub and the store healthy. Every delivery must be
/// answered without an exception, never with a 5xx, with the status <see cref="DocumentedSplit"/> gives, with a short
/// JSON answer, and with every push to the hub valid and within 4 KB; no log message may pass 1,000 characters. The
/// counts per status, outcome and mutation are printed, and a failure names the case number that reproduces it.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class WebhookFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 10_000;
    private const ulong Seed = 0x5EED_0010;
    private const int Workers = 4;
    private const int MaxBodyBytes = 256 * 1024;

    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "events");

    private sealed record CorpusEntry(string Name, byte[] Body, string? ContentType, string? EventType);

    private static List<CorpusEntry> Corpus()
    {
        var corpus = new List<CorpusEntry>();
        foreach (var file in Directory.EnumerateFiles(FixtureDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            var fixture = WebhookFixtureTests.Load(Path.GetFileName(file));
            if (fixture.Request["method"]?.GetValue<string>() is not (null or "POST"))
            {
                continue;
            }

            var request = fixture.ToHttpRequest();
            using var reader = new MemoryStream();
            request.Body.CopyTo(reader);
            if (reader.Length is > 0 and <= MaxBodyBytes)
            {
                corpus.Add(new CorpusEntry(Path.GetFileName(file), reader.ToArray(), request.ContentType, request.Headers["aeg-event-type"].FirstOrDefault()));
            }
        }

        return corpus;
    }

    [Fact]
    public async Task Webhook_TenThousandMutatedDeliveries_AnswersAsDocumentedWithoutFailing()
    {
        var corpus = Corpus();
        var cases = FixedSeed.Cases(DeliveryMutator.Cases(corpus.Count), Cases, Seed).Select((c, i) => c with { Number = i }).ToList();
        var tally = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();

        // One host (hub, table) per worker: a worker's deliveries run one at a time, so only a redelivery meets an earlier id.
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            await using var hub = await LoopbackHub.StartAsync([]);
            await using var host = WebhookHost.Start(hub, new Dictionary<string, string?>
            {
                ["Webhook:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture),
                ["Notifications:IncludeMessageText"] = "true",
            });
            (byte[] Body, string? ContentType, string? EventType)? previous = null;
            foreach (var fuzz in cases.Where(c => c.Number % Workers == worker))
            {
                var source = corpus[fuzz.Corpus];
                (byte[] Body, string? ContentType, string? EventType) sent = fuzz.Redeliver && previous is { } again
                    ? again
                    : (DeliveryMutator.Mutate(fuzz, source.Body, MaxBodyBytes + 1), Pick(DeliveryMutator.ContentTypes, fuzz.ContentTypeChoice, source.ContentType), Pick(DeliveryMutator.EventTypeHeaders, fuzz.HeaderChoice, source.EventType));
                previous = sent;
                var pushesBefore = hub.Requests.Count;
                var started = Stopwatch.GetTimestamp();
                var problem = await DeliverAndCheckAsync(host, sent.Body, sent.ContentType, sent.EventType, tally);
                problem ??= CheckPushes(hub.Requests.Skip(pushesBefore));
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMilliseconds(500))
                {
                    Count(tally, "deliveries over 500 ms");
                }
                if (problem is not null)
                {
                    failures.Enqueue($"{fuzz.Describe()} ({source.Name}): {problem}");
                }

                Count(tally, "cases");
                foreach (var mutation in fuzz.Mutations.Select(m => m.Kind).Distinct())
                {
                    Count(tally, $"mutation {mutation}");
                }
            }

            var longest = host.Logs.Messages.MaxBy(m => m.Length) ?? string.Empty;
            if (longest.Length > 1000)
            {
                failures.Enqueue($"worker {worker}: a log message has {longest.Length} characters: {longest[..200]}…");
            }

            Count(tally, "pushes accepted by the hub", hub.Requests.Count(r => r.AnsweredStatus is >= 200 and < 300));
        }))).ConfigureAwait(true);

        clock.Stop();
        output.WriteLine($"seed 0x{Seed:X}, {Cases} cases from {corpus.Count} fixture bodies, {Workers} workers: {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var (name, count) in tally.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {name}: {count}");
        }

        Assert.Equal(Cases, tally.GetValueOrDefault("cases"));
        Assert.True(failures.IsEmpty, $"{failures.Count} failing cases; the first: {string.Join(Environment.NewLine, failures.Take(20))}");
    }

    private static string? Pick(string[] choices, int choice, string? corpusValue) => choices[choice] switch
    {
        "(corpus)" => corpusValue,
        "(absent)" => null,
        var value => value,
    };

    private static async Task<string?> DeliverAndCheckAsync(WebhookHost host, byte[] body, string? contentType, string? eventType, ConcurrentDictionary<string, int> tally)
    {
        var headers = eventType is null ? null : new Dictionary<string, string> { ["aeg-event-type"] = eventType };
        Delivery answer;
        try
        {
            answer = await host.DeliverAsync(HttpRequests.Create(HttpMethods.Post, body, contentType, headers));
        }
        catch (Exception ex)
        {
            Count(tally, "unhandled exceptions");
            return $"unhandled {ex.GetType().Name}: {ex.Message}";
        }

        Count(tally, $"status {answer.Status}");
        var expected = DocumentedSplit.Expected(body, contentType, eventType, MaxBodyBytes);
        if (answer.Status != expected)
        {
            return $"answered {answer.Status}, documented {expected}: {answer.Body[..Math.Min(300, answer.Body.Length)]}";
        }

        if (answer.Body.Length > 1000)
        {
            return $"an answer of {answer.Body.Length} characters";
        }

        using var json = JsonDocument.Parse(answer.Body);
        if (answer.Status == 200 && json.RootElement.TryGetProperty("outcomes", out var outcomes))
        {
            foreach (var outcome in outcomes.EnumerateObject())
            {
                Count(tally, $"events {outcome.Name}", outcome.Value.GetInt32());
            }
        }
        else if (answer.Status == 200)
        {
            Count(tally, "validations answered");
        }
        else if (json.RootElement.TryGetProperty("error", out var error))
        {
            var text = error.GetString() ?? string.Empty;
            Count(tally, $"{answer.Status} {text[..Math.Min(48, text.Length)]}");
        }

        return null;
    }

    private static string? CheckPushes(IEnumerable<HubRequest> sends)
    {
        foreach (var send in sends)
        {
            if (Encoding.UTF8.GetByteCount(send.Body) > PushPayloadBuilder.MaxPayloadBytes)
            {
                return $"a {send.Format} payload of {Encoding.UTF8.GetByteCount(send.Body)} bytes";
            }

            try
            {
                JsonNode.Parse(send.Body);
            }
            catch (JsonException)
            {
                return $"a {send.Format} payload that is not JSON";
            }

            if (string.IsNullOrEmpty(WebhookFixtureTests.CollapseIdOf(send)))
            {
                return $"a {send.Format} push without a collapse identity";
            }
        }

        return null;
    }

    private static void Count(ConcurrentDictionary<string, int> tally, string name, int by = 1) =>
        tally.AddOrUpdate(name, by, (_, count) => count + by);
}
