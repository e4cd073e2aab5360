namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// Signs each attempt with a fresh <c>Authorization: SharedAccessSignature …</c> header. It sits inside the resilience
/// handler, so a retry after a long <c>Retry-After</c> never carries a token signed before the wait.
/// </summary>
internal sealed class SharedAccessSignatureHandler(NotificationHubsConnection connection, TimeProvider timeProvider) : DelegatingHandler
{
    /// <summary>Lifetime of each token; it only has to outlive one attempt.</summary>
    internal static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = SharedAccessSignature.Create(
            request.RequestUri!.GetLeftPart(UriPartial.Path),
            connection.KeyName,
            connection.Key,
            timeProvider.GetUtcNow() + TokenLifetime);

        // A retried request still carries the previous attempt's header.
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return base.SendAsync(request, cancellationToken);
    }
}
