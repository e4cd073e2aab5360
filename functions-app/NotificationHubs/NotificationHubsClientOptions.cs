using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>Settings of the <c>NotificationHubs</c> configuration section (app settings <c>NotificationHubs__*</c>).</summary>
public sealed class NotificationHubsClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "NotificationHubs";

    /// <summary>
    /// <c>Endpoint=sb://&lt;namespace&gt;.servicebus.windows.net/;SharedAccessKeyName=&lt;policy&gt;;SharedAccessKey=&lt;key&gt;</c>.
    /// An <c>https://</c> or <c>http://</c> endpoint is used as-is (a stand-in hub in tests).
    /// </summary>
    [Required(ErrorMessage = "NotificationHubs:ConnectionString is required.")]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Name of the notification hub (the alerts hub).</summary>
    [Required(ErrorMessage = "NotificationHubs:HubName is required.")]
    public string HubName { get; set; } = string.Empty;

    /// <summary>Attempts per call, the first one included.</summary>
    [Range(1, 10, ErrorMessage = "NotificationHubs:MaxAttempts must be between {1} and {2}.")]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>
    /// Wall time one call may take, retries and waits included; keeps the Event Grid webhook under 30 s. A <c>Retry-After</c>
    /// that would end past it is not waited for: the call fails at once as transient.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "NotificationHubs:TimeBudget must be between {1} and {2}.")]
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest single HTTP attempt before it is abandoned and counted as a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00", ErrorMessage = "NotificationHubs:AttemptTimeout must be between {1} and {2}.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff when the hub sends no <c>Retry-After</c>: the median first delay, about doubled on each retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "NotificationHubs:BaseDelay must be between {1} and {2}.")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of a computed backoff delay (a <c>Retry-After</c> from the hub is honoured as sent).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "NotificationHubs:MaxDelay must be between {1} and {2}.")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(8);
}

/// <summary>
/// Checks what data annotations cannot: the connection string's parts and the hub name's characters.
/// Messages name the setting and never repeat its value.
/// </summary>
internal sealed partial class NotificationHubsClientOptionsValidator : IValidateOptions<NotificationHubsClientOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationHubsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        // An empty value is already reported by [Required].
        if (!string.IsNullOrWhiteSpace(options.ConnectionString) &&
            !NotificationHubsConnection.TryParse(options.ConnectionString, out _, out var error))
        {
            failures.Add(error);
        }

        if (!string.IsNullOrWhiteSpace(options.HubName) && !HubNamePattern().IsMatch(options.HubName))
        {
            failures.Add(
                "NotificationHubs:HubName must be 1-260 characters: letters, digits, '.', '-', '_' or '/', starting with a letter or digit.");
        }

        if (options.BaseDelay > options.MaxDelay)
        {
            failures.Add("NotificationHubs:BaseDelay must not be longer than NotificationHubs:MaxDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,259}$")]
    private static partial Regex HubNamePattern();
}
