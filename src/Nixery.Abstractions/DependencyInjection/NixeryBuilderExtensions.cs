using Microsoft.Extensions.DependencyInjection.Extensions;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The choices every extending package makes on an <see cref="INixeryBuilder"/>: where bytes live, where packages come
/// from, who builds an image that several replicas are asked for.
/// </summary>
public static class NixeryBuilderExtensions
{
    /// <summary>
    /// Keeps blobs and records in the storage backend <typeparamref name="TStorage"/> (a singleton built by the container),
    /// replacing any backend chosen before. The engine checks digests, sizes and names around it; its optional capabilities
    /// (<see cref="IStorageStat"/>, <see cref="IStorageRedirects"/>, <see cref="IStorageDeletion"/>, <see cref="IStorageListing"/>,
    /// <see cref="IStorageStartupCheck"/>) are found by type.
    /// </summary>
    public static INixeryBuilder UseStorage<TStorage>(this INixeryBuilder builder) where TStorage : class, IStorageBackend
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TStorage>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IStorageBackend>(provider => provider.GetRequiredService<TStorage>()));
        return builder;
    }

    /// <summary>Builds images from <paramref name="source"/>, replacing any package source chosen before.</summary>
    public static INixeryBuilder UsePackageSource(this INixeryBuilder builder, IPackageSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Services.Replace(ServiceDescriptor.Singleton(source));
        return builder;
    }

    /// <summary>Builds images from the package source <typeparamref name="TSource"/> (a singleton built by the container).</summary>
    public static INixeryBuilder UsePackageSource<TSource>(this INixeryBuilder builder) where TSource : class, IPackageSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TSource>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IPackageSource>(provider => provider.GetRequiredService<TSource>()));
        return builder;
    }

    /// <summary>
    /// Coordinates builds with <typeparamref name="TCoordinator"/> (a singleton built by the container), replacing the
    /// in-process default; if it is also an <c>IHealthCheck</c>, the engine's <c>nixery-coordinator</c> check asks it.
    /// </summary>
    public static INixeryBuilder UseBuildCoordinator<TCoordinator>(this INixeryBuilder builder) where TCoordinator : class, IBuildCoordinator
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TCoordinator>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IBuildCoordinator>(provider => provider.GetRequiredService<TCoordinator>()));
        return builder;
    }
}
