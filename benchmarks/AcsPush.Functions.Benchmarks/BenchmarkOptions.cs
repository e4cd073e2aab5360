using System.Globalization;

namespace AcsPush.Functions.Benchmarks;

/// <summary>Envelope the generated deliveries use.</summary>
internal enum DeliverySchema
{
    EventGrid,
    CloudEvents,
}

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record BenchmarkOptions(
    IReadOnlyList<int> BatchSizes,
    IReadOnlyList<int> HubLatenciesMs,
    IReadOnlyList<DeliverySchema> Schemas,
    int Iterations,
    int? MaxConcurrency,
    string TablesConnectionString,
    string? OutputFile,
    int? StorePid)
{
    /// <summary>Name of the environment variable the test suite also reads for Azurite.</summary>
    public const string TablesVariable = "ACSPUSH_TEST_TABLES_CONNECTION";

    // The well-known Azurite development account; public and documented, not a secret.
    public const string AzuriteDefaultConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public const int MaxBatchSize = 5000;

    public const string Usage = """
        Drives batches of Microsoft.Communication.ChatMessageReceived events through the webhook pipeline.

        Options:
          --batches 1,100,5000      events per delivery (1-5000)
          --hub-latency-ms 0,20     delay the stand-in hub adds to every send (0-5000 ms)
          --iterations 3            measured deliveries per (schema, batch size, latency), after one warm-up
          --schema eventgrid        eventgrid, cloudevents, or both
          --max-concurrency N       Webhook:MaxConcurrency (default: the function app's own default)
          --tables "<conn>"         Table storage connection string (default: $ACSPUSH_TEST_TABLES_CONNECTION,
                                    else Azurite's devstoreaccount1 at 127.0.0.1:10002)
          --out results.md          also write the results as Markdown
          --store-pid PID           also report the CPU time of this process (the local Table storage emulator)
          --help                    this text
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad flag.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is not ("--batches" or "--hub-latency-ms" or "--iterations" or "--schema" or "--max-concurrency" or "--tables" or "--out" or "--store-pid"))
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

        var tables = values.GetValueOrDefault("--tables")
            ?? (Environment.GetEnvironmentVariable(TablesVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : AzuriteDefaultConnection);

        return new BenchmarkOptions(
            IntList(values, "--batches", "1,100,5000", 1, MaxBatchSize),
            IntList(values, "--hub-latency-ms", "0,20", 0, 5000),
            ParseSchemas(values.GetValueOrDefault("--schema") ?? "eventgrid"),
            Int(values.GetValueOrDefault("--iterations") ?? "3", "--iterations", 1, 1000),
            values.TryGetValue("--max-concurrency", out var concurrency) ? Int(concurrency, "--max-concurrency", 1, 512) : null,
            tables,
            values.GetValueOrDefault("--out"),
            values.TryGetValue("--store-pid", out var pid) ? Int(pid, "--store-pid", 1, int.MaxValue) : null);
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
