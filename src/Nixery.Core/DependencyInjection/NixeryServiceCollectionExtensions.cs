using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core;
using Nixery.Core.Building;
using Nixery.Core.Collection;
using Nixery.Core.Health;
using Nixery.Core.Layering;
using Nixery.Core.Nix;
using Nixery.Core.Packing;
using Nixery.Core.Platforms;
using Nixery.Core.Sbom;
using Nixery.Core.Sources;
using Nixery.Core.Storage;
using Nixery.Layering;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Nixery image engine to a host's services.</summary>
public static class NixeryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the image engine (<see cref="IImageBuilder"/>, its blob store and its memo of recent builds) with the built-in
    /// layering strategies. Settings are bound from <paramref name="configuration"/> when given (e.g. the <c>Nixery</c>
    /// section): <see cref="NixeryOptions"/> from the section itself (with the package source in <c>PackageSource</c>),
    /// and its children <c>Nix</c>, <c>Packing</c>, <c>Registry</c>, <c>FileSystemStorage</c>, <c>Health</c> and
    /// <c>Layering:&lt;strategy&gt;</c>. With <c>PackageSource:Path|Repository|Channel|Flake</c> and
    /// <c>FileSystemStorage:Path</c> set, nothing else is needed; otherwise choose a package source and a storage backend
    /// on the returned builder (a choice in code takes precedence). Every setting is validated when the host starts, with
    /// messages that name it by its configuration key (e.g. <c>Nixery:LayerBudget must be between 1 and 124</c>).
    /// </summary>
    public static INixeryBuilder AddNixery(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Messages name settings by their configuration key, e.g. "Nixery:Nix:Timeout".
        var section = configuration is IConfigurationSection { Path: { Length: > 0 } path } ? path : "Nixery";
        services.TryAddSingleton(new NixeryConfiguration(configuration, section));

        var options = services.AddOptions<NixeryOptions>();
        var nix = services.AddOptions<NixOptions>();
        var packing = services.AddOptions<PackingOptions>();
        var registry = services.AddOptions<NixeryRegistryOptions>();
        var storage = services.AddOptions<FileSystemStorageOptions>();
        var health = services.AddOptions<NixeryHealthOptions>();
        var collection = services.AddOptions<CollectionOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
            nix.Bind(configuration.GetSection("Nix"));
            packing.Bind(configuration.GetSection("Packing"));
            registry.Bind(configuration.GetSection("Registry"));
            storage.Bind(configuration.GetSection("FileSystemStorage"));
            health.Bind(configuration.GetSection("Health"));
            collection.Bind(configuration.GetSection("Collection"));
        }

        options.ValidateOnStart();
        nix.ValidateOnStart();
        packing.ValidateOnStart();
        registry.ValidateOnStart();
        storage.ValidateOnStart();
        health.ValidateOnStart();
        collection.ValidateOnStart();
        services.AddSingleton<IValidateOptions<NixeryOptions>>(new NixeryOptionsValidator(section));
        services.AddSingleton<IValidateOptions<NixeryOptions>, LayerStrategyNameValidator>();
        services.AddSingleton<IValidateOptions<NixeryOptions>>(new PlatformListValidator(section));
        services.AddSingleton<IValidateOptions<NixOptions>>(new NixOptionsValidator(section + ":Nix"));
        services.AddSingleton<IValidateOptions<PackingOptions>>(new PackingOptionsValidator(section + ":Packing"));
        services.AddSingleton<IValidateOptions<NixeryRegistryOptions>>(new NixeryRegistryOptionsValidator(section + ":Registry"));
        services.AddSingleton<IValidateOptions<FileSystemStorageOptions>>(new FileSystemStorageOptionsValidator(section + ":FileSystemStorage"));
        services.AddSingleton<IValidateOptions<NixeryHealthOptions>>(new NixeryHealthOptionsValidator(section + ":Health"));
        services.AddSingleton<IValidateOptions<CollectionOptions>>(new CollectionOptionsValidator(section + ":Collection"));

        services.AddLogging();
        services.AddHttpClient();
        services.AddNixClient();
        services.TryAddSingleton<LayerPacker>();
        services.TryAddSingleton<BuildGate>();
        services.TryAddSingleton<IBuildCoordinator, InProcessBuildCoordinator>();
        services.TryAddSingleton<BuildFailureLog>();
        services.TryAddSingleton<PopularityLoader>();
        services.TryAddSingleton<LayerStrategyCatalog>();
        services.TryAddSingleton<IImageBuilder, ImageBuilder>();
        services.TryAddSingleton<SbomArtifacts>();
        services.TryAddSingleton<ImageKeys>();
        services.TryAddSingleton<RecentBuilds>();
        services.TryAddSingleton<ImagePlatforms>();
        services.TryAddSingleton<ImageIndexBuilds>();
        services.TryAddSingleton<IBlobStore, BlobStore>();
        services.TryAddSingleton<ImageRoots>();
        services.TryAddSingleton<BlobCollector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BlobCollectionService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageStartupCheck>());

        // What configuration chooses, unless code chooses otherwise (Use… replaces these registrations).
        services.TryAddSingleton<IPackageSource>(provider =>
            provider.GetRequiredService<IOptions<NixeryOptions>>().Value.PackageSource.Create(provider)
            ?? throw new InvalidOperationException(
                $"no package source is configured: set {section}:PackageSource:Path, :Repository, :Channel or :Flake, or choose one in code (UsePathPackageSource, UseGitPackageSource, UseChannelPackageSource, UseFlakePackageSource, UsePackageSource)"));
        services.TryAddSingleton<IStorageBackend>(provider =>
            provider.GetRequiredService<IOptions<FileSystemStorageOptions>>().Value.Path is { Length: > 0 }
                ? ActivatorUtilities.CreateInstance<FileSystemStorage>(provider)
                : throw new InvalidOperationException(
                    $"no storage backend is configured: set {section}:FileSystemStorage:Path, or choose one in code (UseFileSystemStorage, UseGcsStorage, UseStorage<T>, …)"));

        var builder = new NixeryBuilder(services);
        builder.AddLayerStrategy<PopularityDominatorStrategy, PopularityDominatorOptions>(PopularityDominatorStrategy.StrategyName);
        builder.AddLayerStrategy<EconomyStrategy, EconomyOptions>(EconomyStrategy.StrategyName);
        builder.AddLayerStrategy<PopularityContestStrategy>();
        builder.AddLayerStrategy<SizeAnchoredStrategy>();
        builder.AddLayerStrategy<SingleLayerStrategy>();
        builder.AddLayerStrategy<PerPathStrategy>();
        return builder;
    }
}
