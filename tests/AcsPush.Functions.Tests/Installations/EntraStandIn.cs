using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using AcsPush.Functions.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>
/// Plays Microsoft Entra ID for one tenant on 127.0.0.1: serves the v2.0 OpenID Connect metadata and the signing keys
/// (JWKS) of test RSA keys, and mints access tokens signed with them. <see cref="RollKeys"/> publishes a new key, as
/// Entra does at a key rollover. Nothing here is a real credential.
/// </summary>
internal sealed class EntraStandIn : IAsyncDisposable
{
    public const string TenantId = "5d7d3c4a-7b8e-4f0a-9a61-2b3c4d5e6f70";
    public const string OtherTenantId = "0c1d2e3f-4a5b-4c6d-8e7f-901234567890";
    public const string Audience = "api://acs-push-installations";

    private readonly List<RsaSecurityKey> published = [];
    private LoopbackServer server = null!;
    private int metadataReads;

    private EntraStandIn()
    {
        SigningKey = NewKey();
        published.Add(SigningKey);
    }

    /// <summary>The authority host, as <c>Installations:Authentication:Instance</c> takes it.</summary>
    public Uri Instance => server.BaseAddress;

    /// <summary>The issuer of the tenant's v2.0 tokens.</summary>
    public string Issuer => $"{Instance}{TenantId}/v2.0";

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey SigningKey { get; private set; }

    /// <summary>How often the metadata document was read.</summary>
    public int MetadataReads => Volatile.Read(ref metadataReads);

    /// <summary>When true, every request is answered 500 (Entra unreachable).</summary>
    public bool Down { get; set; }

    public static async Task<EntraStandIn> StartAsync()
    {
        var standIn = new EntraStandIn();
        standIn.server = await LoopbackServer.StartAsync(standIn.AnswerAsync);
        return standIn;
    }

    /// <summary>A key that is not published: tokens signed with it must fail.</summary>
    public static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };

    /// <summary>Publishes a new signing key beside the old one and signs from now on with it.</summary>
    public void RollKeys()
    {
        SigningKey = NewKey();
        published.Add(SigningKey);
    }

    /// <summary>An app-only access token; each argument replaces one part of a valid token.</summary>
    public string Token(
        string callerObjectId,
        string? callerAppId = null,
        string audience = Audience,
        string? issuer = null,
        string tenantId = TenantId,
        DateTime? expires = null,
        string? delegatedScope = null,
        SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["oid"] = callerObjectId, ["tid"] = tenantId, ["idtyp"] = "app" };
        if (callerAppId is not null)
        {
            claims["azp"] = callerAppId;
        }

        if (delegatedScope is not null)
        {
            claims["scp"] = delegatedScope;
        }

        var notAfter = expires ?? now.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = notAfter.AddHours(-1),
            NotBefore = notAfter.AddHours(-1),
            Expires = notAfter,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task AnswerAsync(HttpContext context)
    {
        if (Down)
        {
            context.Response.StatusCode = 500;
            return;
        }

        var path = context.Request.Path.Value;
        object document;
        if (path == $"/{TenantId}/v2.0/.well-known/openid-configuration")
        {
            Interlocked.Increment(ref metadataReads);
            document = new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = $"{Instance}{TenantId}/discovery/v2.0/keys",
                ["token_endpoint"] = $"{Instance}{TenantId}/oauth2/v2.0/token",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            };
        }
        else if (path == $"/{TenantId}/discovery/v2.0/keys")
        {
            document = new { keys = published.Select(JsonWebKeyConverter.ConvertFromRSASecurityKey).Select(k => new { kty = k.Kty, use = "sig", kid = k.Kid, n = k.N, e = k.E }).ToArray() };
        }
        else
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(document), context.RequestAborted);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
