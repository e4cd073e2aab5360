using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// Logging as the function app runs it: the levels of its <c>host.json</c> (Information by default), every line
/// that passes them formatted by .NET's console logger (its queue, background writer and simple formatter) and
/// written to a file instead of the terminal. The benchmark's own output goes to <see cref="Report"/>.
/// </summary>
internal sealed class ProductionLogging : IDisposable
{
    private readonly TextWriter _file;
    private readonly bool _keep;

    private ProductionLogging(string path, bool keep, IReadOnlyDictionary<string, LogLevel> levels, TextWriter report)
    {
        Path = path;
        _keep = keep;
        Levels = levels;
        Report = report;
        _file = TextWriter.Synchronized(
            new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024), new UTF8Encoding(false), 64 * 1024));
    }

    public string Path { get; }

    /// <summary>Minimum level per category prefix; the empty key is the default.</summary>
    public IReadOnlyDictionary<string, LogLevel> Levels { get; }

    /// <summary>Where the benchmark prints: the process's standard output.</summary>
    public TextWriter Report { get; }

    /// <summary>
    /// Sends the console logger's output to <paramref name="logFile"/> (a temporary file when null) and keeps
    /// standard output for the report. Call before any logger is created: the console logger takes
    /// <see cref="Console.Out"/> when it starts.
    /// </summary>
    public static ProductionLogging Start(string? logFile)
    {
        var levels = HostJsonLevels(System.IO.Path.Combine(AppContext.BaseDirectory, "host.json"));
        var logging = new ProductionLogging(logFile ?? System.IO.Path.GetTempFileName(), logFile is not null, levels, Console.Out);
        Console.SetOut(logging._file);
        return logging;
    }

    /// <summary>Adds the console logger with the app's levels to <paramref name="services"/>.</summary>
    public void AddTo(IServiceCollection services) => services.AddLogging(builder =>
    {
        builder.ClearProviders();
        builder.AddSimpleConsole(console =>
        {
            console.ColorBehavior = LoggerColorBehavior.Disabled;
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        foreach (var (category, level) in Levels)
        {
            if (category.Length == 0)
            {
                builder.SetMinimumLevel(level);
            }
            else
            {
                builder.AddFilter(category, level);
            }
        }
    });

    /// <summary>Lines written so far (read from the file after flushing); call once the loggers are disposed.</summary>
    public long CountLines()
    {
        _file.Flush();
        using var reader = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[64 * 1024];
        long lines = 0;
        int read;
        while ((read = reader.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }

    // The "logging.logLevel" section of host.json, which the Functions host applies; Information when absent.
    private static Dictionary<string, LogLevel> HostJsonLevels(string path)
    {
        var levels = new Dictionary<string, LogLevel>(StringComparer.Ordinal) { [string.Empty] = LogLevel.Information };
        if (!File.Exists(path))
        {
            return levels;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (document.RootElement.TryGetProperty("logging", out var logging) && logging.TryGetProperty("logLevel", out var logLevel))
        {
            foreach (var entry in logLevel.EnumerateObject())
            {
                if (Enum.TryParse<LogLevel>(entry.Value.GetString(), ignoreCase: true, out var level))
                {
                    levels[entry.Name.Equals("default", StringComparison.OrdinalIgnoreCase) ? string.Empty : entry.Name] = level;
                }
            }
        }

        return levels;
    }

    public void Dispose()
    {
        Console.SetOut(Report);
        _file.Dispose();
        if (!_keep)
        {
            File.Delete(Path);
        }
    }
}
