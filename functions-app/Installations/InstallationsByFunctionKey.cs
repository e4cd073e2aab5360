using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using static AcsPush.Functions.Installations.InstallationProblems;

namespace AcsPush.Functions.Installations;

/// <summary>
/// <c>PUT</c>/<c>DELETE /api/keyed/installations/{installationId}</c>: the same endpoint guarded by a function key alone
/// (checked by the Functions host), for callers that cannot obtain a Microsoft Entra ID token. Off unless
/// <c>Installations:Authentication:AllowFunctionKey</c> is true (stack key <c>installationsAllowFunctionKey</c>); while
/// off, every request, keyed or not, is refused with 403.
/// </summary>
public sealed class InstallationsByFunctionKey(IOptions<CallerAuthenticationOptions> options, InstallationEndpoint endpoint)
{
    [Function(nameof(InstallationsByFunctionKey))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", "delete", Route = "keyed/installations/{installationId}")] HttpRequest req,
        string installationId)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Value.AllowFunctionKey)
        {
            return Problem(
                StatusCodes.Status403Forbidden,
                "Function-key access is turned off.",
                "Call /api/installations/{installationId} with a Microsoft Entra ID token, or opt in to keys with Installations:Authentication:AllowFunctionKey=true (stack key installationsAllowFunctionKey).",
                "FunctionKeyAccessOff");
        }

        return await endpoint.HandleAsync(req, installationId).ConfigureAwait(false);
    }
}
