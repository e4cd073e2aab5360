using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsPush.Functions.Installations;

/// <summary>Registers the installations endpoint's services.</summary>
public static class InstallationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the options (validated at start-up), the caller check, the ownership records (Table storage, through the
    /// app's <c>TableServiceClient</c>) and the registrar. The function classes themselves are created by the worker.
    /// </summary>
    public static IServiceCollection AddInstallations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<InstallationsOptions>().BindConfiguration(InstallationsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallerAuthenticationOptions>()
            .BindConfiguration(CallerAuthenticationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(nameof(CallerTokenValidator));
        services.TryAddSingleton<CallerTokenValidator>();
        services.TryAddSingleton<IInstallationOwners, TableInstallationOwners>();
        services.TryAddSingleton<InstallationRegistrar>();
        services.TryAddSingleton<InstallationEndpoint>();
        return services;
    }
}
