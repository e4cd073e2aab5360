using System.ComponentModel.DataAnnotations;

namespace AcsPush.Functions.EventGrid;

/// <summary>Limits of the Event Grid webhook (configuration section <c>Webhook</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Webhook";

    /// <summary>
    /// Largest request body accepted, in bytes. Event Grid delivers events of at most 1 MB and fills a batch up
    /// to a preferred size of at most 1,024 KB, so the default of 1 MiB + 128 KiB leaves room for the envelope.
    /// Larger bodies are answered 413 and never retried.
    /// </summary>
    [Range(64 * 1024, 64 * 1024 * 1024, ErrorMessage = "Webhook:MaxRequestBodyBytes must be between 65536 and 67108864, for example 1179648.")]
    public int MaxRequestBodyBytes { get; set; } = (1024 + 128) * 1024;

    /// <summary>How many events of a batch are processed at the same time.</summary>
    [Range(1, 512, ErrorMessage = "Webhook:MaxConcurrency must be between 1 and 512, for example 32.")]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>
    /// Time a delivery may take, records of what was sent included (see <see cref="DeliveryDeadline"/>). Event Grid waits
    /// 30 seconds for an answer; the webhook answers within this plus <see cref="EventGridWebhook.AnswerMargin"/>, and
    /// events not finished by then are answered 503, so Event Grid retries them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:28", ErrorMessage = "Webhook:ProcessingDeadline must be between 00:00:01 and 00:00:28, for example 00:00:25.")]
    public TimeSpan ProcessingDeadline { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Value of <c>WebHook-Allowed-Rate</c> in the CloudEvents handshake: requests per minute, or <c>*</c> for no limit.</summary>
    [Required(ErrorMessage = "Webhook:AllowedRate is required.")]
    [RegularExpression(@"^(\*|[1-9][0-9]{0,8})$", ErrorMessage = "Webhook:AllowedRate must be '*' or a positive whole number of requests per minute, for example 120.")]
    public string AllowedRate { get; set; } = "*";
}
