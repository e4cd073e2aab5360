using System.Globalization;

namespace AcsPush.Functions.Benchmarks;

/// <summary>Envelope the generated deliveries use.</summary>
internal enum DeliverySchema
{
    EventGrid,
    CloudEvents,
}

/// <summary>Command-line options of one benchmark run.</summary>
internal sealed record BenchmarkOptions(
    IReadOnlyList<int> BatchSizes,
    IReadOnlyList<int> HubLatenciesMs,
    IReadOnlyList<int> StoreLatenciesMs,
    IReadOnlyList<DeliverySchema> Schemas,
    int RedeliveredPercent,
    int Iterations,
    int SequentialEvents,
    int? MaxConcurrency,
    TimeSpan WarmUpMinimum,
    TimeSpan WarmUpMaximum,
    string HubProtocol,
    int? HubMaxConnections,
    string TablesConnectionString,
    int? StorePid,
    string StandInsPath,
    string? JsonFile,
    string? OutputFile,
    string? LogFile)
{
    /// <summary>Name of the environment variable the test suite also reads for Azurite.</summary>
    public const string TablesVariable = "ACSPUSH_TEST_TABLES_CONNECTION";

    // The well-known Azurite development account; public and documented, not a secret.
    public const string AzuriteDefaultConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public const int MaxBatchSize = 5000;

    public const string Usage = """
        One run: drives deliveries of Microsoft.Communication.ChatMessageReceived events through the webhook pipeline
        (AddApplicationServices + EventGridWebhook.RunAsync), against a stand-in hub and a store delay proxy in
        processes of their own, then runs the sequential baseline. scripts/benchmark.sh runs several and summarizes.

        Options (defaults: the headline condition):
          --batches 700               events per delivery (1-5000), comma-separated list
          --hub-latency-ms 50         time the stand-in hub takes to answer each send (0-5000), list
          --store-latency-ms 5        time the proxy adds to each request to Table storage (0-1000), list
          --redelivered 10            percent of each delivery's events that repeat events already handled (0-90)
          --iterations 5              measured deliveries per combination
          --sequential-events 100     events of the sequential baseline (one per delivery, MaxConcurrency=1); 0: none
          --schema eventgrid          eventgrid, cloudevents or both
          --max-concurrency N         Webhook:MaxConcurrency (default: the function app's own)
          --warmup-min-s 30           warm-up: at least this long ...
          --warmup-max-s 120          ... and at most this long, until a delivery JIT-compiles (almost) nothing
          --hub-protocol http1        http1, or http2 (h2c; the harness makes the hub client ask for HTTP/2)
          --hub-max-connections N     MaxConnectionsPerServer of the hub client's handler (default: unlimited)
          --tables "<conn>"           Table storage (default: $ACSPUSH_TEST_TABLES_CONNECTION, else Azurite at
                                      127.0.0.1:10002); the proxy sits in front of its TableEndpoint
          --store-pid PID             the Table storage emulator's process, whose CPU counts as store CPU
          --stand-ins <dll>           AcsPush.Benchmarks.StandIns.dll (default: next to this program)
          --json <file>               write this run's figures as JSON (scripts/benchmark.sh summarizes them)
          --out <file>                write this run's figures as Markdown
          --log-file <file>           keep the app's log lines there (default: a temporary file, deleted)
          --help                      this text
        Summary of several runs: report --out results.md [--command "<text>"] run1.json run2.json ...
        """;

    private static readonly string[] Flags =
    [
        "--batches", "--hub-latency-ms", "--store-latency-ms", "--redelivered", "--iterations", "--sequential-events",
        "--schema", "--max-concurrency", "--warmup-min-s", "--warmup-max-s", "--hub-protocol", "--hub-max-connections",
        "--tables", "--store-pid", "--stand-ins", "--json", "--out", "--log-file",
    ];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad flag.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var values = ParseFlags(args, Flags);
        var tables = values.GetValueOrDefault("--tables")
            ?? (Environment.GetEnvironmentVariable(TablesVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : AzuriteDefaultConnection);
        var warmUpMin = Int(values.GetValueOrDefault("--warmup-min-s") ?? "30", "--warmup-min-s", 0, 3600);
        var warmUpMax = Int(values.GetValueOrDefault("--warmup-max-s") ?? "120", "--warmup-max-s", 1, 3600);
        if (warmUpMax < warmUpMin)
        {
            throw new ArgumentException($"--warmup-max-s ({warmUpMax}) must not be less than --warmup-min-s ({warmUpMin}).");
        }

        var protocol = values.GetValueOrDefault("--hub-protocol") ?? "http1";
        if (protocol is not ("http1" or "http2"))
        {
            throw new ArgumentException($"--hub-protocol takes http1 or http2; got '{protocol}'.");
        }

        return new BenchmarkOptions(
            IntList(values, "--batches", "700", 1, MaxBatchSize),
            IntList(values, "--hub-latency-ms", "50", 0, 5000),
            IntList(values, "--store-latency-ms", "5", 0, 1000),
            ParseSchemas(values.GetValueOrDefault("--schema") ?? "eventgrid"),
            Int(values.GetValueOrDefault("--redelivered") ?? "10", "--redelivered", 0, 90),
            Int(values.GetValueOrDefault("--iterations") ?? "5", "--iterations", 1, 1000),
            Int(values.GetValueOrDefault("--sequential-events") ?? "100", "--sequential-events", 0, 100_000),
            OptionalInt(values, "--max-concurrency", 1, 512),
            TimeSpan.FromSeconds(warmUpMin),
            TimeSpan.FromSeconds(warmUpMax),
            protocol,
            OptionalInt(values, "--hub-max-connections", 1, 10_000),
            tables,
            OptionalInt(values, "--store-pid", 1, int.MaxValue),
            values.GetValueOrDefault("--stand-ins") ?? Path.Combine(AppContext.BaseDirectory, "AcsPush.Benchmarks.StandIns.dll"),
            values.GetValueOrDefault("--json"),
            values.GetValueOrDefault("--out"),
            values.GetValueOrDefault("--log-file"));
    }

    /// <summary>Flag/value pairs; throws on an unknown flag, a missing value or a flag given twice.</summary>
    public static Dictionary<string, string> ParseFlags(IReadOnlyList<string> args, IReadOnlyCollection<string> known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (!known.Contains(flag))
            {
                throw new ArgumentException($"Unknown option '{flag}'.");
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{flag} needs a value.");
            }

            if (!values.TryAdd(flag, args[++i]))
            {
                throw new ArgumentException($"{flag} is given more than once.");
            }
        }

        return values;
    }

    private static int[] IntList(Dictionary<string, string> values, string flag, string fallback, int min, int max)
    {
        var list = (values.GetValueOrDefault(flag) ?? fallback)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => Int(item, flag, min, max))
            .Distinct()
            .ToArray();
        return list.Length > 0 ? list : throw new ArgumentException($"{flag} needs at least one value, for example {fallback}.");
    }

    private static int? OptionalInt(Dictionary<string, string> values, string flag, int min, int max) =>
        values.TryGetValue(flag, out var text) ? Int(text, flag, min, max) : null;

    private static int Int(string text, string flag, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{flag} takes whole numbers from {min} to {max}; got '{text}'.");

    private static DeliverySchema[] ParseSchemas(string text) => text.ToLowerInvariant() switch
    {
        "eventgrid" => [DeliverySchema.EventGrid],
        "cloudevents" => [DeliverySchema.CloudEvents],
        "both" => [DeliverySchema.EventGrid, DeliverySchema.CloudEvents],
        _ => throw new ArgumentException($"--schema takes eventgrid, cloudevents or both; got '{text}'."),
    };
}
