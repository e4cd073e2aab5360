using System.Globalization;

namespace AcsPush.Benchmarks.StandIns;

/// <summary>
/// The benchmark's stand-ins, each in a process of its own so that their CPU time is measured apart from the
/// function's: a Notification Hubs namespace that answers every send after a set latency, and a proxy that adds
/// a set latency to every request on its way to the Table storage emulator. The benchmark starts them, and drives
/// them through standard input: one command a line, one answer a line.
/// </summary>
internal static class StandInProgram
{
    private const string Usage = """
        Usage:
          AcsPush.Benchmarks.StandIns hub --key-name <policy> --key <text> [--protocol http1|http2]
          AcsPush.Benchmarks.StandIns store-proxy --target 127.0.0.1:<port>
        Listens on 127.0.0.1 (a free port), prints "ready <port>", then answers commands read from standard input:
          latency <ms>   delay added to every send (hub) or to every request on its way to the store (store-proxy)
          reset          hub: forget what was sent
          tally          hub: one JSON line with what was sent since the last reset
        The end of standard input stops the process.
        """;

    public static async Task<int> Main(string[] args)
    {
        IStandIn standIn;
        try
        {
            standIn = args switch
            {
                ["hub", .. var rest] => await HubStandIn.StartAsync(Options(rest, "--key-name", "--key", "--protocol")),
                ["store-proxy", .. var rest] => DelayProxy.Start(Options(rest, "--target")),
                _ => throw new ArgumentException("Name the stand-in: hub or store-proxy."),
            };
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Usage);
            return 64;
        }

        await using (standIn)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {standIn.Port}"));
            while (await Console.In.ReadLineAsync() is { } line)
            {
                Console.WriteLine(Answer(standIn, line.Trim()));
            }
        }

        return 0;
    }

    private static string Answer(IStandIn standIn, string command)
    {
        var parts = command.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (parts)
        {
            case ["latency", var ms] when int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var latency):
                standIn.Latency = TimeSpan.FromMilliseconds(latency);
                return "ok";
            case [var name] when standIn.Command(name) is { } answer:
                return answer;
            default:
                return $"error unknown command '{command}'";
        }
    }

    private static Dictionary<string, string> Options(string[] args, params string[] known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!known.Contains(args[i]) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Unknown option or missing value: '{args[i]}'.");
            }

            values[args[i]] = args[i + 1];
        }

        return values;
    }
}

/// <summary>A stand-in the benchmark drives through standard input.</summary>
internal interface IStandIn : IAsyncDisposable
{
    int Port { get; }

    TimeSpan Latency { get; set; }

    /// <summary>The answer to a command without arguments; null when the command is unknown.</summary>
    string? Command(string name);
}
