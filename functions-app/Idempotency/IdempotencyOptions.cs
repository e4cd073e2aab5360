using System.ComponentModel.DataAnnotations;

namespace AcsPush.Functions.Idempotency;

/// <summary>
/// Where the record of delivered pushes lives (configuration section <c>Idempotency</c>). Set exactly one of
/// <see cref="TableServiceUri"/> (managed identity, in Azure) or <see cref="ConnectionString"/> (Azurite, local runs).
/// </summary>
public sealed class IdempotencyOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Idempotency";

    /// <summary>Table service endpoint, for example <c>https://account.table.core.windows.net</c>; reached with <c>DefaultAzureCredential</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Storage connection string; meant for Azurite and local runs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table that records each push; created on first use when absent.</summary>
    [Required(ErrorMessage = "Idempotency:TableName is required.")]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$",
        ErrorMessage = "Idempotency:TableName must be 3-63 letters or digits and start with a letter, for example 'processedevents'.")]
    public string TableName { get; set; } = "processedevents";

    /// <summary>
    /// How long a send in progress holds its record before another delivery may take it over. Longer than the
    /// webhook's processing deadline, so a live send is never taken over; short enough that a crashed send is
    /// retried on one of Event Grid's next attempts.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00",
        ErrorMessage = "Idempotency:LeaseDuration must be between 00:00:30 and 01:00:00, for example 00:02:00.")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasUri = TableServiceUri is not null;
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasUri == hasConnectionString)
        {
            yield return new ValidationResult(
                "Set exactly one of Idempotency:TableServiceUri (for example https://account.table.core.windows.net) or Idempotency:ConnectionString (for Azurite).",
                [nameof(TableServiceUri), nameof(ConnectionString)]);
        }

        if (TableServiceUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult(
                "Idempotency:TableServiceUri must be an absolute https URI, for example https://account.table.core.windows.net.",
                [nameof(TableServiceUri)]);
        }
    }
}
