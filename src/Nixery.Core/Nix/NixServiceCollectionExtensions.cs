using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nixery.Core.Nix;

/// <summary>Registers the Nix client.</summary>
public static class NixServiceCollectionExtensions
{
    /// <summary>Adds <see cref="INixClient"/> as a singleton, with <see cref="NixOptions"/> from the options system.</summary>
    public static IServiceCollection AddNixClient(this IServiceCollection services, Action<NixOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<NixOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton<INixClient, NixClient>();
        return services;
    }
}
