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

    /// <summary>
    /// How long an event's record is kept after the event was first claimed; <see cref="RetentionSweeper"/> deletes older
    /// ones. Event Grid stops delivering an event at most 24 hours after it was published (its longest time to live), and
    /// the first claim comes after publishing, so any window over 24 hours outlives every redelivery; the default of
    /// 3 days adds 2 days of margin, which also covers replaying dead letters within 2 days.
    /// </summary>
    [Range(typeof(TimeSpan), "1.01:00:00", "30.00:00:00",
        ErrorMessage = "Idempotency:RetentionWindow must be between 1.01:00:00 (25 hours, longer than Event Grid's 24-hour retry horizon) and 30.00:00:00, for example 3.00:00:00.")]
    public TimeSpan RetentionWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// When the retention sweep runs: a six-field NCRONTAB expression (seconds first) read by the timer trigger itself
    /// (<c>%Idempotency:RetentionSchedule%</c>), so the app setting must exist wherever the function runs.
    /// </summary>
    [Required(ErrorMessage = "Idempotency:RetentionSchedule is required, for example '0 17 * * * *' (every hour at minute 17).")]
    [RegularExpression(@"^[0-5]?[0-9]( [0-9A-Za-z*/,-]+){5}$",
        ErrorMessage = "Idempotency:RetentionSchedule must be a six-field NCRONTAB expression whose seconds field is a number (at most one run a minute), for example '0 17 * * * *' (every hour at minute 17).")]
    public string RetentionSchedule { get; set; } = DefaultRetentionSchedule;

    /// <summary>Default of <see cref="RetentionSchedule"/>: every hour at minute 17.</summary>
    public const string DefaultRetentionSchedule = "0 17 * * * *";

    /// <summary>
    /// Time one sweep may take; it stops starting deletions after it, and the next run goes on where the records are
    /// still expired. Below the host's 5-minute function timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:04:00",
        ErrorMessage = "Idempotency:RetentionBudget must be between 00:00:10 and 00:04:00, for example 00:02:00.")]
    public TimeSpan RetentionBudget { get; set; } = TimeSpan.FromMinutes(2);

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
