using System.Globalization;
using AcsPush.Functions.NotificationHubs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AcsPush.Functions.Installations;

/// <summary>The installations endpoint's error answers: RFC 9457 problem details as <c>application/problem+json</c>.</summary>
internal static class InstallationProblems
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>400 naming every bad field.</summary>
    public static ObjectResult Validation(IDictionary<string, string[]> errors) =>
        new(new ValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "The installation request is not valid." })
        {
            StatusCode = StatusCodes.Status400BadRequest,
            ContentTypes = { ProblemJson },
        };

    /// <summary>A problem with a status, a title, a detail and optionally a machine-readable <c>code</c>.</summary>
    public static ObjectResult Problem(int status, string title, string detail, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }

        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { ProblemJson } };
    }

    /// <summary>502 or 503 for a hub failure, with the hub's status and tracking id.</summary>
    public static ObjectResult HubFailure(NotificationHubsException failure, int status, string title, string detail)
    {
        var result = Problem(status, title, detail);
        var problem = (ProblemDetails)result.Value!;
        problem.Extensions["hubStatus"] = failure.Status;
        problem.Extensions["trackingId"] = failure.TrackingId;
        return result;
    }

    /// <summary>Sets <c>Retry-After</c> in whole seconds (at least one).</summary>
    public static int SetRetryAfter(HttpRequest request, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }
}
