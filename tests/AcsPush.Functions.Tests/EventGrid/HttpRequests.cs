using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AcsPush.Functions.Tests.EventGrid;

/// <summary>Builds requests for the webhook and reads its results without a Functions host.</summary>
internal static class HttpRequests
{
    public static HttpRequest Create(string method, byte[]? body, string? contentType, IReadOnlyDictionary<string, string>? headers = null, bool sendContentLength = true)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("func.example.net");
        context.Request.Path = "/api/events";
        if (contentType is not null)
        {
            context.Request.ContentType = contentType;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        context.Request.Body = new MemoryStream(body ?? []);
        if (body is not null && sendContentLength)
        {
            context.Request.ContentLength = body.Length;
        }

        return context.Request;
    }

    public static HttpRequest Post(string body, string? contentType = "application/json") =>
        Create(HttpMethods.Post, Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>A JSON POST without a length whose body throws <paramref name="failure"/> when read.</summary>
    public static HttpRequest PostFailingBody(Exception failure)
    {
        var request = Create(HttpMethods.Post, [], "application/json");
        request.Body = new FailingStream(failure);
        request.ContentLength = null;
        return request;
    }

    /// <summary>Status and body of a result, as the Functions host would write them.</summary>
    public static (int Status, string Body) Read(IActionResult result) => result switch
    {
        ContentResult content => (content.StatusCode ?? 200, content.Content ?? string.Empty),
        StatusCodeResult status => (status.StatusCode, string.Empty),
        _ => throw new InvalidOperationException($"Unexpected result type {result.GetType()}"),
    };

    private sealed class FailingStream(Exception failure) : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw failure;

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw failure;
    }
}
