using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Layering;
using Nixery.Core.Building;
using Nixery.Core.Layering;
using Nixery.Core.Nix;
using Nixery.Core.Packing;
using Nixery.Core.Storage;
using Nixery.Layering;

namespace Nixery.Core.DependencyInjection;

/// <summary>Adds the Nixery image engine to a host's services.</summary>
public static class NixeryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the image engine (<see cref="IImageBuilder"/>) with the original's layering strategy. Options are bound
    /// from <paramref name="configuration"/> when given: the section itself for <see cref="NixeryOptions"/>, and its
    /// <c>Nix</c>, <c>Packing</c> and <c>FileSystemStorage</c> children. Pick a package source and a blob store on
    /// the returned builder. Every option is validated when the host starts (<c>ValidateOnStart</c>), with messages that
    /// name the setting by its configuration key (e.g. <c>Nixery:LayerBudget must be between 1 and 124</c>).
    /// </summary>
    public static NixeryBuilder AddNixery(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<NixeryOptions>();
        var nix = services.AddOptions<NixOptions>();
        var packing = services.AddOptions<PackingOptions>();
        var storage = services.AddOptions<FileSystemStorageOptions>();
        // Messages name settings by their configuration key, e.g. "Nixery:Nix:Timeout".
        var section = configuration is IConfigurationSection { Path: { Length: > 0 } path } ? path : "Nixery";
        if (configuration is not null)
        {
            options.Bind(configuration);
            nix.Bind(configuration.GetSection("Nix"));
            packing.Bind(configuration.GetSection("Packing"));
            storage.Bind(configuration.GetSection("FileSystemStorage"));
        }

        options.ValidateOnStart();
        nix.ValidateOnStart();
        packing.ValidateOnStart();
        services.AddSingleton<IValidateOptions<NixeryOptions>>(new NixeryOptionsValidator(section));
        services.AddSingleton<IValidateOptions<NixOptions>>(new NixOptionsValidator(section + ":Nix"));
        services.AddSingleton<IValidateOptions<PackingOptions>>(new PackingOptionsValidator(section + ":Packing"));

        services.AddLogging();
        services.AddHttpClient();
        services.AddNixClient();
        services.TryAddSingleton<LayerPacker>();
        services.TryAddSingleton<BuildGate>();
        services.TryAddSingleton<BuildFailureLog>();
        services.TryAddSingleton<PopularityLoader>();
        services.TryAddSingleton<ILayerStrategy, PopularityDominatorStrategy>();
        services.TryAddSingleton<IImageBuilder, ImageBuilder>();
        return new NixeryBuilder(services, section);
    }
}
