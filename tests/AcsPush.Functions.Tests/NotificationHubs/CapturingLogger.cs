using Microsoft.Extensions.Logging;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>Keeps every formatted log line, with its exception text, to prove secrets never reach a log.</summary>
internal class CapturingLogger(List<string> lines) : ILogger
{
    private readonly List<string> messages = [];

    public CapturingLogger()
        : this([])
    {
    }

    /// <summary>The formatted messages alone, without exception text.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (lines)
            {
                return [.. messages];
            }
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (lines)
        {
            lines.Add($"{logLevel}: {message} {exception}");
            messages.Add(message);
        }
    }
}

/// <inheritdoc cref="CapturingLogger"/>
internal sealed class CapturingLogger<T> : CapturingLogger, ILogger<T>;

/// <summary>Captures the lines of every logger of a service provider, at every level.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly CapturingLogger all = new();

    public IReadOnlyList<string> Lines => all.Lines;

    public IReadOnlyList<string> Messages => all.Messages;

    public ILogger CreateLogger(string categoryName) => all;

    public void Dispose()
    {
    }
}
