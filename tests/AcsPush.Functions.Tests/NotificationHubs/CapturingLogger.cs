using Microsoft.Extensions.Logging;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>Keeps every formatted log line, with its exception text, to prove secrets never reach a log.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly List<string> lines = [];

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
        lock (lines)
        {
            lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
