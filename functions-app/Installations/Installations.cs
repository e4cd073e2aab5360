using System.Globalization;
using AcsPush.Functions.Http;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AcsPush.Functions.Installations;

/// <summary>
/// <c>PUT</c>/<c>DELETE /api/installations/{installationId}</c> for the customer's trusted backend (function key):
/// registers a device with the alerts hub under the tag of its ACS user, or removes it. Both are idempotent.
/// </summary>
public sealed partial class Installations(INotificationHubsClient hubs, ILogger<Installations> logger)
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>Retry-After sent on a transient hub failure when the hub gave no hint.</summary>
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    [Function(nameof(Installations))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", "delete", Route = "installations/{installationId}")] HttpRequest req,
        string installationId)
    {
        ArgumentNullException.ThrowIfNull(req);
        var cancellationToken = req.HttpContext.RequestAborted;

        if (!InstallationRequest.IsValidInstallationId(installationId))
        {
            return ValidationProblem(new Dictionary<string, string[]> { ["installationId"] = [InstallationRequest.InstallationIdRule] });
        }

        // The trigger admits only PUT and DELETE.
        if (HttpMethods.IsDelete(req.Method))
        {
            return await CallHubAsync(
                req,
                installationId,
                "DELETE",
                () => hubs.DeleteInstallationAsync(installationId, cancellationToken)).ConfigureAwait(false);
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

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = InstallationRequest.Parse(body.Value, installationId, errors);
        if (request is null)
        {
            return ValidationProblem(errors);
        }

        // The tag is a hash of the ACS user id (tags are stored unencrypted); the caller never chooses tags.
        var installation = new Installation(installationId, request.Platform, request.PushChannel, [RecipientTag.For(request.UserId)]);
        return await CallHubAsync(
            req,
            installationId,
            "PUT",
            () => hubs.CreateOrUpdateInstallationAsync(installation, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<IActionResult> CallHubAsync(HttpRequest req, string installationId, string operation, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            LogSucceeded(installationId, operation);
            return new NoContentResult();
        }
        catch (NotificationHubsException exception) when (exception.IsTransient)
        {
            LogHubFailed(installationId, operation, exception.Status, exception.TrackingId, isTransient: true);
            var retryAfter = exception.RetryAfter is { } hint && hint > TimeSpan.Zero ? hint : DefaultRetryAfter;
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            req.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Problem(
                StatusCodes.Status503ServiceUnavailable,
                "Notification Hubs is temporarily unavailable.",
                string.Create(CultureInfo.InvariantCulture, $"The hub is busy or unreachable; retry the same request after {seconds} seconds."),
                exception);
        }
        catch (NotificationHubsException exception)
        {
            LogHubFailed(installationId, operation, exception.Status, exception.TrackingId, isTransient: false);
            return Problem(StatusCodes.Status502BadGateway, "Notification Hubs rejected the request.", WhatToCheck(exception), exception);
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

    private static ObjectResult ValidationProblem(IDictionary<string, string[]> errors) =>
        new(new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The installation request is not valid.",
        })
        {
            StatusCode = StatusCodes.Status400BadRequest,
            ContentTypes = { ProblemJson },
        };

    private static ObjectResult Problem(int status, string title, string detail, NotificationHubsException? hubFailure = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (hubFailure is not null)
        {
            problem.Extensions["hubStatus"] = hubFailure.Status;
            problem.Extensions["trackingId"] = hubFailure.TrackingId;
        }

        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { ProblemJson } };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationId}: {Operation} done")]
    private partial void LogSucceeded(string installationId, string operation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installation {InstallationId}: {Operation} failed at the hub with status {Status}, TrackingId {TrackingId}, transient {IsTransient}")]
    private partial void LogHubFailed(string installationId, string operation, int status, string? trackingId, bool isTransient);
}
