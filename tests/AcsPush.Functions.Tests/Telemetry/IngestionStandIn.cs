using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsPush.Functions.Tests.Telemetry;

/// <summary>
/// Plays Application Insights' ingestion endpoint on 127.0.0.1 over HTTPS (the exporter sends a bearer token only over
/// TLS) with a self-signed certificate, and keeps every request's <c>Authorization</c> header and body.
/// </summary>
internal sealed class IngestionStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestionStandIn(WebApplication app, X509Certificate2 certificate, Uri baseAddress)
    {
        _app = app;
        Certificate = certificate;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public X509Certificate2 Certificate { get; }

    public ConcurrentQueue<(string Path, string? Authorization, string Body)> Requests { get; } = new();

    /// <summary>Everything posted so far, one string.</summary>
    public string AllBodies => string.Join('\n', Requests.Select(r => r.Body));

    public static async Task<IngestionStandIn> StartAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        IngestionStandIn? standIn = null;
        app.Run(async context =>
        {
            Stream body = context.Request.Body;
            if (context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(body);
            var text = await reader.ReadToEndAsync();
            standIn!.Requests.Enqueue((context.Request.Path, context.Request.Headers.Authorization.ToString(), text));
            var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"itemsReceived\":{items},\"itemsAccepted\":{items},\"errors\":[]}}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn = new IngestionStandIn(app, certificate, new Uri(address.EndsWith('/') ? address : address + "/"));
        return standIn;
    }

    /// <summary>A handler that trusts this stand-in's certificate and nothing else.</summary>
    public HttpMessageHandler TrustingHandler() => new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == Certificate.Thumbprint,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
