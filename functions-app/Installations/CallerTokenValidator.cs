using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AcsPush.Functions.Installations;

/// <summary>How a caller's credential was judged.</summary>
public enum CallerVerdict
{
    /// <summary>A valid app-only token of an allowed caller.</summary>
    Allowed,

    /// <summary>No usable token (absent, malformed, expired, wrong audience, issuer or signature): 401.</summary>
    Unauthenticated,

    /// <summary>A valid token of a caller that may not call (not listed, or a user's delegated token): 403.</summary>
    Forbidden,

    /// <summary>The signing keys could not be fetched from Microsoft Entra ID: 503, try again.</summary>
    Unavailable,
}

/// <summary>The verdict, a reason that is safe to return to the caller, and who called (for the log).</summary>
public readonly record struct CallerCheck(CallerVerdict Verdict, string Reason, string? CallerId = null);

/// <summary>
/// Validates the <c>Authorization: Bearer</c> token of an installations request in the app, with Microsoft.IdentityModel:
/// signature against the tenant's published keys (OpenID Connect metadata, cached and refreshed by
/// <see cref="ConfigurationManager{T}"/>), issuer (v2.0, and v1.0 in the public cloud), tenant, audience, lifetime; then
/// the caller against <see cref="CallerAuthenticationOptions.AllowedCallers"/>. App Service authentication is not used:
/// see docs/threat-model.md for why.
/// </summary>
public sealed partial class CallerTokenValidator
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private readonly CallerAuthenticationOptions settings;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly ILogger<CallerTokenValidator> logger;

    public CallerTokenValidator(IOptions<CallerAuthenticationOptions> options, IHttpClientFactory httpClients, ILogger<CallerTokenValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        settings = options.Value;
        this.logger = logger;
        if (settings.IsConfigured)
        {
            var retriever = new HttpDocumentRetriever(httpClients.CreateClient(nameof(CallerTokenValidator)))
            {
                RequireHttps = !CallerAuthenticationOptions.IsLoopback(settings.Instance),
            };
            metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
                settings.MetadataAddress.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), retriever);
        }
    }

    /// <summary>Judges the request's bearer token.</summary>
    public async Task<CallerCheck> CheckAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (metadata is null)
        {
            return new(CallerVerdict.Forbidden, "No callers are configured for this endpoint (Installations:Authentication).");
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= "Bearer ".Length)
        {
            return new(CallerVerdict.Unauthenticated, "A Microsoft Entra ID access token is required: Authorization: Bearer <token>.");
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException exception)
        {
            LogMetadataUnavailable(exception, settings.MetadataAddress);
            return new(CallerVerdict.Unavailable, "The token signing keys of Microsoft Entra ID could not be fetched; try again shortly.");
        }

        var token = header["Bearer ".Length..].Trim();
        var result = await handler.ValidateTokenAsync(token, Parameters(configuration)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the cached metadata does not list: Entra may have rolled its keys. The manager fetches the metadata
            // again in the background (at most once per its RefreshInterval, so unknown keys cannot make it fetch
            // without end); this request is refused, the following ones are judged with the new keys.
            metadata.RequestRefresh();
        }

        if (!result.IsValid)
        {
            var reason = Reason(result.Exception);
            LogRejected(reason);
            return new(CallerVerdict.Unauthenticated, reason);
        }

        return Authorize(result.ClaimsIdentity);
    }

    private CallerCheck Authorize(ClaimsIdentity identity)
    {
        string? Claim(string type) => identity.FindFirst(type)?.Value;
        if (!string.Equals(Claim("tid"), settings.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return new(CallerVerdict.Unauthenticated, "The token was issued for another tenant.");
        }

        // A delegated token acts for a signed-in user: only the backend itself, as an application, may register devices.
        if (Claim("scp") is not null)
        {
            return new(CallerVerdict.Forbidden, "A user's delegated token is not accepted; call with an application token (managed identity or client credentials).");
        }

        var ids = new[] { Claim("oid"), Claim("azp"), Claim("appid") }.Where(id => id is not null).ToArray();
        var allowed = ids.FirstOrDefault(id => settings.AllowedCallers.Contains(id!, StringComparer.OrdinalIgnoreCase));
        if (allowed is null)
        {
            var caller = ids.FirstOrDefault() ?? "(no oid, azp or appid claim)";
            LogUnknownCaller(caller);
            return new(CallerVerdict.Forbidden, $"Caller {caller} is not among the allowed callers (Installations:Authentication:AllowedCallers).");
        }

        return new(CallerVerdict.Allowed, string.Empty, allowed);
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration)
    {
        var issuers = new List<string> { configuration.Issuer };
        if (settings.Instance.Host.Equals("login.microsoftonline.com", StringComparison.OrdinalIgnoreCase))
        {
            // v1.0 tokens (the default for an app registration that does not ask for v2.0) carry the STS issuer.
            issuers.Add($"https://sts.windows.net/{settings.TenantId}/");
        }

        return new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidAudiences = settings.Audiences,
            IssuerSigningKeys = configuration.SigningKeys,
            // Entra ID signs access tokens with RS256; no other algorithm (none, HMAC) is ever accepted.
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
        };
    }

    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience (Installations:Authentication:Audiences).",
        SecurityTokenInvalidIssuerException => "The token was issued by another tenant or authority.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
        _ => "The token is not a valid access token.",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installations: token rejected: {Reason}")]
    private partial void LogRejected(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installations: caller {CallerId} is not an allowed caller")]
    private partial void LogUnknownCaller(string callerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Installations: OpenID Connect metadata {MetadataAddress} could not be read")]
    private partial void LogMetadataUnavailable(Exception exception, Uri metadataAddress);
}
