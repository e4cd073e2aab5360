using System.Net;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>A copy of an outgoing request, taken before the client disposes it.</summary>
internal sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string Body)
{
    public string Header(string name) =>
        Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"Header '{name}' was not sent.");
}

/// <summary>Fake hub at the HttpMessageHandler: records each request and answers from a script, one entry per attempt.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> script = new();
    private readonly List<RecordedRequest> requests = [];

    public IReadOnlyList<RecordedRequest> Requests => requests;

    public RecordingHandler Respond(HttpStatusCode status, Action<HttpResponseMessage>? configure = null) =>
        Respond((_, _) =>
        {
            var response = new HttpResponseMessage(status);
            configure?.Invoke(response);
            return Task.FromResult(response);
        });

    public RecordingHandler Respond(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        script.Enqueue(answer);
        return this;
    }

    /// <summary>Answers every remaining attempt with <paramref name="status"/>.</summary>
    public RecordingHandler RespondAlways(HttpStatusCode status, Action<HttpResponseMessage>? configure = null)
    {
        for (var i = 0; i < 50; i++)
        {
            Respond(status, configure);
        }

        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        string? contentType = null;
        var body = string.Empty;
        if (request.Content is not null)
        {
            contentType = request.Content.Headers.TryGetValues("Content-Type", out var values) ? string.Join(",", values) : null;
            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, contentType, body));
        if (script.Count == 0)
        {
            throw new InvalidOperationException($"Unexpected request #{requests.Count}: {request.Method} {request.RequestUri}");
        }

        return await script.Dequeue()(request, cancellationToken);
    }
}
