using System.ComponentModel.DataAnnotations;
using System.Net;

namespace AcsPush.Functions.Installations;

/// <summary>
/// Who may call the installations endpoint (configuration section <c>Installations:Authentication</c>): callers present a
/// Microsoft Entra ID access token issued by <see cref="TenantId"/> for one of <see cref="Audiences"/>, as an application
/// (managed identity or app registration) listed in <see cref="AllowedCallers"/>. Nothing configured means the
/// Entra route admits nobody; <see cref="AllowFunctionKey"/> separately opens the function-key route.
/// </summary>
public sealed class CallerAuthenticationOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Installations:Authentication";

    /// <summary>Directory (tenant) id whose tokens are accepted.</summary>
    public string? TenantId { get; set; }

    /// <summary>Microsoft Entra authority host; <c>https://login.microsoftonline.com/</c> in the public cloud.</summary>
    public Uri Instance { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>Accepted <c>aud</c> values: the API's Application ID URI (<c>api://…</c>) and/or its application (client) id.</summary>
    public IList<string> Audiences { get; } = [];

    /// <summary>
    /// Object ids (the <c>oid</c> claim: a managed identity's principal id, an app's service principal) or application
    /// (client) ids (<c>azp</c>/<c>appid</c>) of the applications allowed to call.
    /// </summary>
    public IList<string> AllowedCallers { get; } = [];

    /// <summary>Opt-in: also accept the <c>/api/keyed/installations</c> route, guarded by a function key alone.</summary>
    public bool AllowFunctionKey { get; set; }

    /// <summary>True when the Entra route has a tenant, audiences and callers.</summary>
    public bool IsConfigured => Audiences.Count > 0;

    /// <summary>The OpenID Connect metadata of the tenant's v2.0 endpoint, which lists the token signing keys.</summary>
    public Uri MetadataAddress => new(Instance, $"{TenantId}/v2.0/.well-known/openid-configuration");

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        const string Prefix = SectionName + ":";
        var anySet = !string.IsNullOrWhiteSpace(TenantId) || Audiences.Count > 0 || AllowedCallers.Count > 0;
        if (!anySet)
        {
            yield break;
        }

        if (!Guid.TryParse(TenantId, out _))
        {
            yield return new ValidationResult(
                $"{Prefix}TenantId must be the directory (tenant) id, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47.",
                [nameof(TenantId)]);
        }

        if (Audiences.Count == 0 || Audiences.Any(a => !IsAudience(a)))
        {
            yield return new ValidationResult(
                $"{Prefix}Audiences must list the API's Application ID URI or application (client) id, for example api://acs-push-installations.",
                [nameof(Audiences)]);
        }

        if (AllowedCallers.Count == 0 || AllowedCallers.Any(c => !Guid.TryParse(c, out _)))
        {
            yield return new ValidationResult(
                $"{Prefix}AllowedCallers must list object or application (client) ids of the calling applications, GUIDs such as 9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1.",
                [nameof(AllowedCallers)]);
        }

        if (!Instance.IsAbsoluteUri || !(Instance.Scheme == Uri.UriSchemeHttps || IsLoopback(Instance)) || !Instance.AbsolutePath.EndsWith('/'))
        {
            yield return new ValidationResult(
                $"{Prefix}Instance must be the https authority host ending in '/', for example https://login.microsoftonline.com/.",
                [nameof(Instance)]);
        }
    }

    /// <summary>Plain http is accepted for a loopback authority only (a local stand-in for Microsoft Entra ID).</summary>
    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));

    private static bool IsAudience(string value) =>
        Guid.TryParse(value, out _) ||
        (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "api" or "https" && value.Length <= 256);
}
