using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace AcsPush.Functions.Benchmarks;

/// <summary>Round trips to one server during one delivery, as the function's HTTP clients saw them.</summary>
internal sealed record RoundTripStats(int Count, double MeanMs, double P50Ms, double P95Ms)
{
    public static readonly RoundTripStats None = new(0, 0, 0, 0);

    public static RoundTripStats Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return None;
        }

        var sorted = milliseconds.Order().ToArray();
        return new RoundTripStats(sorted.Length, sorted.Average(), Percentile.Of(sorted, 50), Percentile.Of(sorted, 95));
    }
}

/// <summary>
/// Listens to .NET's own HTTP client metric (<c>http.client.request.duration</c>, meter <c>System.Net.Http</c>),
/// which every <c>SocketsHttpHandler</c> records, the Table client's and the hub client's alike, and keeps the
/// durations per server port. So S, the store round trip, is what the function actually waited for: proxy delay,
/// emulator time and any wait for a connection included.
/// </summary>
internal sealed class RoundTrips : IDisposable
{
    private readonly MeterListener _listener = new();
    private ConcurrentDictionary<int, ConcurrentQueue<double>> _byPort = new();

    public RoundTrips()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "System.Net.Http" && instrument.Name == "http.client.request.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(Record);
        _listener.Start();
    }

    /// <summary>Starts a new count.</summary>
    public void Reset() => _byPort = new();

    /// <summary>Round trips to <paramref name="port"/> since the last reset.</summary>
    public RoundTripStats For(int port) =>
        _byPort.TryGetValue(port, out var durations) ? RoundTripStats.Of(durations.ToArray()) : RoundTripStats.None;

    private void Record(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "server.port" && Convert.ToInt32(tag.Value, CultureInfo.InvariantCulture) is var port)
            {
                _byPort.GetOrAdd(port, _ => new ConcurrentQueue<double>()).Enqueue(seconds * 1000);
                return;
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>Nearest-rank percentiles.</summary>
internal static class Percentile
{
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
