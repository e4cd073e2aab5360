using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// A stand-in (hub or store proxy) running as a process of its own, driven through its standard input:
/// one command a line, one answer a line (see AcsPush.Benchmarks.StandIns).
/// </summary>
internal sealed partial class StandInProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private StandInProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>Starts <c>dotnet <paramref name="standInsDll"/> <paramref name="arguments"/></c> and waits for it to listen.</summary>
    public static async Task<StandInProcess> StartAsync(string standInsDll, IEnumerable<string> arguments)
    {
        if (!File.Exists(standInsDll))
        {
            throw new ArgumentException($"The stand-ins program was not found at '{standInsDll}'; build benchmarks/AcsPush.Benchmarks.StandIns or pass --stand-ins <path to AcsPush.Benchmarks.StandIns.dll>.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(standInsDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Runtime settings under comparison apply to the function's process only; the stand-ins keep the defaults.
        foreach (var name in start.Environment.Keys.Where(name => RuntimeKnob().IsMatch(name)).ToArray())
        {
            start.Environment.Remove(name);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The stand-in process did not start.");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready?.Split(' ') is ["ready", var portText] && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return new StandInProcess(process, port);
        }

        process.Kill();
        throw new InvalidOperationException($"The stand-in did not start: '{ready}'.");
    }

    /// <summary>Runtime settings read from the environment (JIT, tiering, ReadyToRun use, thread pool, GC).</summary>
    public static IReadOnlyDictionary<string, string> RuntimeSettings() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => RuntimeKnob().IsMatch(name))
            .Order(StringComparer.Ordinal)
            .ToDictionary(name => name, name => Environment.GetEnvironmentVariable(name) ?? string.Empty);

    public async Task<string> SendAsync(string command)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            var answer = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return answer ?? throw new InvalidOperationException($"The stand-in (pid {Pid}) ended while answering '{command}'.");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SetLatencyAsync(int milliseconds)
    {
        var answer = await SendAsync(string.Create(CultureInfo.InvariantCulture, $"latency {milliseconds}"));
        if (answer != "ok")
        {
            throw new InvalidOperationException($"The stand-in refused the latency: {answer}");
        }
    }

    public TimeSpan? CpuTime() => ProcessCpu.Of(Pid);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        finally
        {
            _process.Dispose();
            _gate.Dispose();
        }
    }

    [GeneratedRegex("^(DOTNET|COMPlus)_(Tiered|TC_|OSR|ReadyToRun|ThreadPool_|gc|GC|Jit)", RegexOptions.CultureInvariant)]
    private static partial Regex RuntimeKnob();
}
