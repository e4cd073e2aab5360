using System.Text;
using AcsPush.Functions.Tests.EventGrid;
using AcsPush.Functions.Tests.Idempotency;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>
/// The app's real services (<c>AddApplicationServices</c>) wired to a stand-in hub on loopback, ownership records in
/// Azurite and, when given, a stand-in Microsoft Entra ID: the installations functions as the worker creates them.
/// </summary>
internal sealed class InstallationsHost : IDisposable
{
    public const string UserA = "8:acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000007-0464-274b-b274-5a3a0d00beab";
    public const string UserB = "8:acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000007-0464-274b-b274-5a3a0d00cafe";
    public const string TokenA = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    public const string TokenB = "b1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    public const string HubName = "com.contoso.chat";

    private readonly ServiceProvider provider;

    public InstallationsHost(Uri hub, IDictionary<string, string?>? settings = null)
    {
        OwnersTable = AzuriteTables.UniqueTableName("owners");
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["NotificationHubs:ConnectionString"] = $"Endpoint={hub};SharedAccessKeyName=FunctionListenSend;SharedAccessKey=dGVzdC1rZXktbm90LWEtc2VjcmV0",
            ["NotificationHubs:HubName"] = HubName,
            ["NotificationHubs:MaxAttempts"] = "1",
            ["NotificationHubs:TimeBudget"] = "00:00:05",
            ["NotificationHubs:AttemptTimeout"] = "00:00:05",
            ["Idempotency:ConnectionString"] = AzuriteTables.ConnectionString,
            ["Installations:OwnersTableName"] = OwnersTable,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddLogging();
        services.AddApplicationServices();
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public string OwnersTable { get; }

    public IServiceProvider Services => provider;

    /// <summary>A function class as the worker creates it, per invocation.</summary>
    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(provider);

    public static string Body(string userId, string pushChannel = TokenA, string platform = "apns") =>
        $$"""{"platform":"{{platform}}","pushChannel":"{{pushChannel}}","userId":"{{userId}}"}""";

    public static HttpRequest Put(string body, string? bearer = null) => Put(Encoding.UTF8.GetBytes(body), bearer);

    public static HttpRequest Put(byte[] body, string? bearer = null) =>
        HttpRequests.Create("PUT", body, "application/json", bearer is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {bearer}" });

    public static HttpRequest Delete(string? userId, string? bearer = null)
    {
        var request = HttpRequests.Create("DELETE", null, null, bearer is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {bearer}" });
        if (userId is not null)
        {
            request.QueryString = QueryString.Create("userId", userId);
        }

        return request;
    }

    /// <summary>The status of a result, and its problem details when it has some (checking their content type).</summary>
    public static (int Status, ProblemDetails? Problem) Read(IActionResult result)
    {
        switch (result)
        {
            case NoContentResult:
                return (StatusCodes.Status204NoContent, null);
            case ObjectResult { Value: ProblemDetails problem } objectResult:
                Assert.Contains("application/problem+json", objectResult.ContentTypes);
                return (objectResult.StatusCode ?? 200, problem);
            default:
                throw new InvalidOperationException($"Unexpected result {result.GetType().Name}");
        }
    }

    public void Dispose()
    {
        AzuriteTables.ServiceClient().DeleteTable(OwnersTable);
        provider.Dispose();
    }
}
