using System.Globalization;
using AcsPush.Functions.Http;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using static AcsPush.Functions.Installations.InstallationProblems;

namespace AcsPush.Functions.Installations;

/// <summary>
/// What <c>PUT</c>/<c>DELETE /api/installations/{installationId}</c> does once the caller is admitted, whichever
/// route admitted it: validate the id and the body (or the <c>userId</c> query of a DELETE), register or remove the
/// device for that user through <see cref="InstallationRegistrar"/>, and answer.
/// </summary>
public sealed partial class InstallationEndpoint(InstallationRegistrar registrar, ILogger<InstallationEndpoint> logger)
{
    /// <summary>Retry-After sent on a transient hub failure when the hub gave no hint.</summary>
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Handles an admitted request; the trigger admits only PUT and DELETE.</summary>
    public async Task<IActionResult> HandleAsync(HttpRequest req, string installationId)
    {
        ArgumentNullException.ThrowIfNull(req);
        var cancellationToken = req.HttpContext.RequestAborted;
        if (!InstallationRequest.IsValidInstallationId(installationId))
        {
            return Validation(new Dictionary<string, string[]> { ["installationId"] = [InstallationRequest.InstallationIdRule] });
        }

        if (HttpMethods.IsDelete(req.Method))
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var userId = InstallationRequest.ParseUserIdQuery(req.Query["userId"], errors);
            return userId is null
                ? Validation(errors)
                : await ChangeAsync(req, installationId, "DELETE", () => registrar.RemoveAsync(installationId, RecipientTag.For(userId), cancellationToken))
                    .ConfigureAwait(false);
        }

        if (!IsJson(req.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "Send the body as application/json (UTF-8).");
        }

        var body = await BoundedBody.ReadAsync(req, InstallationRequest.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Problem(
                StatusCodes.Status413PayloadTooLarge,
                "Body too large.",
                string.Create(CultureInfo.InvariantCulture, $"The body must not exceed {InstallationRequest.MaxBodyBytes} bytes."));
        }

        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = InstallationRequest.Parse(body.Value, installationId, problems);
        if (request is null)
        {
            return Validation(problems);
        }

        // The tag is a hash of the ACS user id (tags are stored unencrypted); the caller never chooses tags.
        var tag = RecipientTag.For(request.UserId);
        var installation = new Installation(installationId, request.Platform, request.PushChannel, [tag]);
        return await ChangeAsync(req, installationId, "PUT", () => registrar.RegisterAsync(installation, tag, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<IActionResult> ChangeAsync(HttpRequest req, string installationId, string operation, Func<Task<ChangeResult>> change)
    {
        ChangeResult result;
        try
        {
            result = await change().ConfigureAwait(false);
        }
        catch (NotificationHubsException exception) when (exception.IsTransient)
        {
            LogHubFailed(installationId, operation, exception.Status, exception.TrackingId, isTransient: true);
            var seconds = SetRetryAfter(req, exception.RetryAfter is { } hint && hint > TimeSpan.Zero ? hint : DefaultRetryAfter);
            return HubFailure(
                exception,
                StatusCodes.Status503ServiceUnavailable,
                "Notification Hubs is temporarily unavailable.",
                string.Create(CultureInfo.InvariantCulture, $"The hub is busy or unreachable; retry the same request after {seconds} seconds."));
        }
        catch (NotificationHubsException exception)
        {
            LogHubFailed(installationId, operation, exception.Status, exception.TrackingId, isTransient: false);
            return HubFailure(exception, StatusCodes.Status502BadGateway, "Notification Hubs rejected the request.", WhatToCheck(exception));
        }

        LogChanged(installationId, operation, result.Outcome);
        switch (result.Outcome)
        {
            case ChangeOutcome.OwnedByAnotherUser:
                return Problem(
                    StatusCodes.Status409Conflict,
                    "The installation belongs to another user.",
                    $"Installation {installationId} is registered for a different userId; nothing was changed. To move the device to this user, " +
                    $"first DELETE /api/installations/{installationId}?userId=<current user>, then PUT it again for the new user.",
                    "OwnedByAnotherUser");
            case ChangeOutcome.ChangeInProgress:
                var seconds = SetRetryAfter(req, result.RetryAfter);
                return Problem(
                    StatusCodes.Status503ServiceUnavailable,
                    "Another change to this installation is in progress.",
                    string.Create(CultureInfo.InvariantCulture, $"Retry the same request after {seconds} seconds."),
                    "ChangeInProgress");
            default:
                return new NoContentResult();
        }
    }

    // 401/403/404 concern the app's settings; 400 concerns the caller's body.
    private static string WhatToCheck(NotificationHubsException failure) => failure.ConfigurationHint ?? failure.Status switch
    {
        400 => "The hub rejected the installation as malformed. Check that pushChannel is the device token of the given platform.",
        _ => string.Create(CultureInfo.InvariantCulture, $"The hub answered HTTP {failure.Status}. Quote the trackingId when contacting Azure support."),
    };

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var isJson = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
                     mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
        return isJson && (!mediaType.Charset.HasValue || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationId}: {Operation} answered {Outcome}")]
    private partial void LogChanged(string installationId, string operation, ChangeOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installation {InstallationId}: {Operation} failed at the hub with status {Status}, TrackingId {TrackingId}, transient {IsTransient}")]
    private partial void LogHubFailed(string installationId, string operation, int status, string? trackingId, bool isTransient);
}
