using System.Globalization;
using System.Text;
using Azure;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// Measures the Event Grid webhook end to end on one machine: parse, route, idempotency claims on Table
/// storage, and sends to a stand-in hub with a set latency. Every delivery is checked; a wrong one ends the
/// run with exit code 1 and no figures.
/// </summary>
internal static class BenchmarkProgram
{
    private const int WarmUpEvents = 100;

    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine(BenchmarkOptions.Usage);
            return 0;
        }

        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + BenchmarkOptions.Usage);
            return 64;
        }

        var machine = MachineInfo.Current();
        foreach (var line in machine.Lines())
        {
            Console.WriteLine(line);
        }

        await using var hub = await StandInHub.StartAsync();
        var bodyLimit = options.Schemas.Max(schema => WebhookPipeline.BodyLimitFor(schema, options.BatchSizes.Max()));
        WebhookPipeline pipeline;
        try
        {
            pipeline = await WebhookPipeline.StartAsync(hub, options.TablesConnectionString, options.MaxConcurrency, bodyLimit);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            var status = ex is RequestFailedException failed ? failed.Status.ToString(CultureInfo.InvariantCulture) : "no answer";
            await Console.Error.WriteLineAsync($"Table storage at {TableEndpoint(options.TablesConnectionString)} did not create the benchmark table ({status}); start Azurite or pass --tables.");
            return 2;
        }

        await using (pipeline)
        {
            var settings = Settings(options, pipeline, bodyLimit);
            Console.WriteLine(settings);
            Console.WriteLine();

            var store = options.StorePid is { } storePid ? new StoreProcess(storePid) : null;
            var results = new List<RunResult>();
            foreach (var schema in options.Schemas)
            {
                foreach (var latency in options.HubLatenciesMs)
                {
                    hub.Latency = TimeSpan.FromMilliseconds(latency);
                    foreach (var size in options.BatchSizes)
                    {
                        var result = new RunResult(schema, size, latency);
                        var warmUp = await pipeline.DeliverAsync(ChatDeliveries.Create(schema, Math.Min(size, WarmUpEvents)), store);
                        if (warmUp.Error is not null)
                        {
                            return await FailAsync(result, "warm-up", warmUp);
                        }

                        for (var iteration = 1; iteration <= options.Iterations; iteration++)
                        {
                            var delivery = ChatDeliveries.Create(schema, size);
                            GC.Collect();
                            GC.WaitForPendingFinalizers();
                            var outcome = await pipeline.DeliverAsync(delivery, store);
                            if (outcome.Error is not null)
                            {
                                return await FailAsync(result, $"batch {iteration}", outcome);
                            }

                            result.Add(outcome);
                        }

                        results.Add(result);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{result.Cells()[0]}, {size:N0} events, hub {latency} ms: {result.EventsPerSecond:N0} events/s, p50 {result.PercentileMs(50):N1} ms, max {result.MaxMs:N1} ms"));
                    }
                }
            }

            var table = RunResult.MarkdownTable(results);
            Console.WriteLine();
            Console.WriteLine(table);
            if (options.OutputFile is { } outputFile)
            {
                await File.WriteAllTextAsync(outputFile, Markdown(machine, settings, table, args));
                Console.WriteLine($"Wrote {outputFile}");
            }
        }

        return 0;
    }

    private static async Task<int> FailAsync(RunResult result, string which, DeliveryOutcome outcome)
    {
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"WRONG RUN ({result.Schema}, {result.BatchSize} events, hub {result.HubLatencyMs} ms, {which}, {outcome.Elapsed.TotalMilliseconds:N0} ms): {outcome.Error}"));
        await Console.Error.WriteLineAsync("No figures are reported for a run that did not do its job.");
        return 1;
    }

    private static string Settings(BenchmarkOptions options, WebhookPipeline pipeline, int bodyLimit) => string.Create(CultureInfo.InvariantCulture,
        $"""
        Settings: Webhook:MaxConcurrency={pipeline.Settings.MaxConcurrency}, Webhook:ProcessingDeadline={pipeline.Settings.ProcessingDeadline}, Webhook:MaxRequestBodyBytes={bodyLimit}; Notification Hubs client and idempotency at their defaults
        Each combination: 1 warm-up batch of min(size, {WarmUpEvents}) events, then {options.Iterations} measured batches; Table storage at {TableEndpoint(options.TablesConnectionString)}
        """);

    private static string Markdown(MachineInfo machine, string settings, string table, IReadOnlyList<string> args)
    {
        var text = new StringBuilder();
        text.AppendLine("# Webhook benchmark results").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC with `{CommandLine(args)}`.").AppendLine();
        foreach (var line in machine.Lines())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        text.AppendLine();
        foreach (var line in settings.Split('\n'))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {line.Trim()}");
        }

        text.AppendLine();
        text.AppendLine("Batch latency is the time `EventGridWebhook.RunAsync` takes for one delivery; events/s is events over the summed batch time. "
            + "CPU ms/event is the CPU time of the benchmark process (webhook, Table and hub clients, and the stand-in hub) per event; store CPU ms/event is the Table storage emulator's. "
            + "Every batch was checked: status 200 and exactly one `apple` and one `fcmv1` push per recipient.");
        text.AppendLine();
        text.Append(table);
        return text.ToString();
    }

    // Only the endpoint is shown: the rest of a connection string may hold an account key.
    private static string TableEndpoint(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(part => part.Length == 2 && part[0].Trim().Equals("TableEndpoint", StringComparison.OrdinalIgnoreCase))?[1]
        ?? "(endpoint not named in the connection string)";

    // The value of --tables is never echoed: it may hold an account key.
    private static string CommandLine(IReadOnlyList<string> args) =>
        string.Join(' ', args.Select((arg, i) => i > 0 && args[i - 1] == "--tables" ? "<connection string>" : arg.Contains(' ', StringComparison.Ordinal) ? $"\"{arg}\"" : arg));
}
