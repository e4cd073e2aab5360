using System.ComponentModel.DataAnnotations;

namespace AcsPush.Functions.Notifications;

/// <summary>What a push may reveal (configuration section <c>Notifications</c>).</summary>
public sealed class NotificationsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Notifications";

    /// <summary>
    /// When true a push shows a preview of the message text and the chat topic. When false (the default, as in
    /// the infrastructure: privacy first) no user-written text leaves the service through the push providers:
    /// the body is a fixed phrase such as "You have a new message"; the sender's display name is still shown.
    /// </summary>
    public bool IncludeMessageText { get; set; }

    /// <summary>Longest message preview, in user-perceived characters, before an ellipsis is added.</summary>
    [Range(16, 2000, ErrorMessage = "Notifications:MaxPreviewLength must be between 16 and 2000, for example 180.")]
    public int MaxPreviewLength { get; set; } = 180;
}
