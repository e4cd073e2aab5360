using System.Collections.Concurrent;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// Puts an <c>Authorization: SharedAccessSignature …</c> header on each attempt. It sits inside the resilience handler,
/// so every attempt, retries included, gets a token that is valid for at least <see cref="MinRemainingLifetime"/>.
/// Tokens are cached per resource (the request URI without its query) and signed again when less than that remains,
/// so a busy hub client signs about once per <see cref="TokenLifetime"/> minus <see cref="MinRemainingLifetime"/> rather
/// than once per push; <see cref="SharedAccessSignature.Create"/> stays a pure function.
/// </summary>
internal sealed class SharedAccessSignatureHandler(NotificationHubsConnection connection, TimeProvider timeProvider) : DelegatingHandler
{
    /// <summary>Lifetime of each token.</summary>
    internal static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(20);

    /// <summary>
    /// A cached token is used only while at least this much of its lifetime remains: more than the longest attempt
    /// (<see cref="NotificationHubsClientOptions.AttemptTimeout"/> is at most 5 minutes), plus room for clock skew.
    /// </summary>
    internal static readonly TimeSpan MinRemainingLifetime = TimeSpan.FromMinutes(10);

    // Installations each have their own resource URI; beyond this many the cache starts over rather than grow.
    private const int MaxCachedResources = 256;

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = TokenFor(request.RequestUri!.GetLeftPart(UriPartial.Path));

        // A retried request still carries the previous attempt's header.
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return base.SendAsync(request, cancellationToken);
    }

    private string TokenFor(string resource)
    {
        var now = timeProvider.GetUtcNow();
        if (_tokens.TryGetValue(resource, out var cached) && cached.ExpiresAt - now >= MinRemainingLifetime)
        {
            return cached.Value;
        }

        var expiresAt = now + TokenLifetime;
        var token = new CachedToken(SharedAccessSignature.Create(resource, connection.KeyName, connection.Key, expiresAt), expiresAt);
        if (_tokens.Count >= MaxCachedResources)
        {
            _tokens.Clear();
        }

        _tokens[resource] = token;
        return token.Value;
    }

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresAt);
}
