using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Identity;

namespace AcsPush.Functions.Telemetry;

/// <summary>
/// Where the worker's telemetry goes and how much of it: the Functions platform's own settings
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> and <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>, and the section
/// <c>Telemetry</c>. No connection string means no exporter at all (tests, benchmarks, local runs).
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>The platform setting with the Application Insights connection string.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The platform setting that says how telemetry authenticates (<c>Authorization=AAD</c>).</summary>
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Application Insights connection string (from <see cref="ConnectionStringSetting"/>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>Authorization=AAD</c>, optionally with <c>;ClientId=&lt;id&gt;</c> (from <see cref="AuthenticationSetting"/>).</summary>
    public string? AuthenticationString { get; set; }

    /// <summary>
    /// Share of traces exported whatever their outcome, in percent; a failed span is exported always
    /// (<see cref="FailureKeepingSampler"/>). Metrics are never sampled.
    /// </summary>
    [Range(0, 100, ErrorMessage = "Telemetry:TraceSamplingPercentage must be a whole number from 0 to 100, for example 10.")]
    public int TraceSamplingPercentage { get; set; } = 10;

    /// <summary>True when a connection string is set: only then is an exporter registered.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>
    /// The identity telemetry is sent with: the app's managed identity when <see cref="AuthenticationString"/> says
    /// <c>Authorization=AAD</c> (the user-assigned one with <c>ClientId</c>); otherwise <c>DefaultAzureCredential</c>
    /// (a developer's sign-in). Never an instrumentation key: the stack's Application Insights accepts Entra ID only.
    /// </summary>
    public TokenCredential CreateCredential()
    {
        if (!TryParseAuthentication(AuthenticationString, out var clientId))
        {
            return new DefaultAzureCredential();
        }

        return new ManagedIdentityCredential(clientId is null
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(AuthenticationString) && !TryParseAuthentication(AuthenticationString, out _))
        {
            yield return new ValidationResult(
                $"{AuthenticationSetting} must be 'Authorization=AAD' or 'Authorization=AAD;ClientId=<client id of a user-assigned identity>'; instrumentation-key ingestion is off on this stack's Application Insights.",
                [nameof(AuthenticationString)]);
        }

        if (Enabled && !ConnectionString!.Contains("IngestionEndpoint=", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                $"{ConnectionStringSetting} must be an Application Insights connection string with an IngestionEndpoint, for example 'InstrumentationKey=<guid>;IngestionEndpoint=https://<region>.in.applicationinsights.azure.com/'.",
                [nameof(ConnectionString)]);
        }
    }

    // "Authorization=AAD" or "Authorization=AAD;ClientId=<guid>", keys in any case and order, nothing else.
    private static bool TryParseAuthentication(string? value, out string? clientId)
    {
        clientId = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries))
            .ToList();
        if (parts.Any(p => p.Length != 2) || parts.Select(p => p[0]).Distinct(StringComparer.OrdinalIgnoreCase).Count() != parts.Count)
        {
            return false;
        }

        var map = parts.ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        var onlyKnownKeys = map.Keys.All(k => k.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || k.Equals("ClientId", StringComparison.OrdinalIgnoreCase));
        if (!onlyKnownKeys || !map.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (map.TryGetValue("ClientId", out var id))
        {
            if (!Guid.TryParse(id, out _))
            {
                return false;
            }

            clientId = id;
        }

        return true;
    }
}
