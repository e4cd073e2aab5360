using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using static AcsPush.Functions.Installations.InstallationProblems;

namespace AcsPush.Functions.Installations;

/// <summary>
/// <c>PUT</c>/<c>DELETE /api/installations/{installationId}</c> for the customer's backend, which proves who it is with a
/// Microsoft Entra ID access token (managed identity or app registration) checked in the app by
/// <see cref="CallerTokenValidator"/>; the Functions host lets the request through without a key (anonymous level) so
/// that the token, not a shared key, is the credential. Registers a device for an ACS user, or removes it.
/// </summary>
public sealed class Installations(CallerTokenValidator callers, InstallationEndpoint endpoint)
{
    [Function(nameof(Installations))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", "delete", Route = "installations/{installationId}")] HttpRequest req,
        string installationId)
    {
        ArgumentNullException.ThrowIfNull(req);
        var check = await callers.CheckAsync(req, req.HttpContext.RequestAborted).ConfigureAwait(false);
        switch (check.Verdict)
        {
            case CallerVerdict.Allowed:
                return await endpoint.HandleAsync(req, installationId).ConfigureAwait(false);
            case CallerVerdict.Unauthenticated:
                req.HttpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                return Problem(StatusCodes.Status401Unauthorized, "Authentication required.", check.Reason);
            case CallerVerdict.Unavailable:
                SetRetryAfter(req, TimeSpan.FromSeconds(5));
                return Problem(StatusCodes.Status503ServiceUnavailable, "Caller verification is temporarily unavailable.", check.Reason);
            default:
                return Problem(StatusCodes.Status403Forbidden, "The caller may not manage installations.", check.Reason);
        }
    }
}
