using System.Globalization;
using System.Text.Json;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// Measures the Event Grid webhook end to end on one machine, as production runs it: the app's own services,
/// production logging, a stand-in hub and a delayed store in processes of their own. One process is one run:
/// a warm-up until JIT has settled, every combination measured, then the sequential baseline. Every delivery is
/// checked; a wrong one ends the run with exit code 1 and no figures.
/// </summary>
internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["report", .. var files])
        {
            return await RunsReport.MainAsync(files);
        }

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

        using var logging = ProductionLogging.Start(options.LogFile);
        try
        {
            var run = await BenchmarkRun.RunAsync(options, logging);
            if (run is null)
            {
                return 1;
            }

            var output = logging.Report;
            if (options.JsonFile is { } jsonFile)
            {
                await File.WriteAllTextAsync(jsonFile, JsonSerializer.Serialize(run, RunsReport.Json));
                output.WriteLine($"Wrote {jsonFile}");
            }

            var markdown = RunsReport.Markdown([run], CommandLine(args));
            if (options.OutputFile is { } outputFile)
            {
                await File.WriteAllTextAsync(outputFile, markdown);
                output.WriteLine($"Wrote {outputFile}");
            }
            else if (options.JsonFile is null)
            {
                output.WriteLine();
                output.WriteLine(markdown);
            }

            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
    }

    // The value of --tables is never echoed: it may hold an account key.
    private static string CommandLine(string[] args) =>
        string.Join(' ', args.Select((arg, i) => i > 0 && args[i - 1] == "--tables" ? "<connection string>" : arg.Contains(' ', StringComparison.Ordinal) ? $"\"{arg}\"" : arg));

    /// <summary>Formats with the invariant culture.</summary>
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
