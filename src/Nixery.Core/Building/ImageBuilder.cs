using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Layering;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core.Collection;
using Nixery.Core.Images;
using Nixery.Core.Layering;
using Nixery.Core.Nix;
using Nixery.Core.Packing;
using Nixery.Core.Sbom;

namespace Nixery.Core.Building;

/// <summary>
/// The whole flow of one image: package set, Nix closure, layer plan, packed layers, config and manifests.
/// Everything after the Nix call is content-addressed, so work done once is not done again.
/// </summary>
internal sealed partial class ImageBuilder(
    IPackageSource packageSource,
    INixClient nix,
    LayerStrategyCatalog strategies,
    LayerPacker packer,
    IBlobStore store,
    PopularityLoader popularity,
    BuildGate gate,
    IBuildCoordinator coordinator,
    ImageRoots roots,
    ImageKeys keys,
    SbomArtifacts sboms,
    BuildFailureLog failures,
    IOptions<NixeryOptions> options,
    IOptions<NixeryRegistryOptions> registryOptions,
    ILogger<ImageBuilder> logger,
    TimeProvider? time = null) : IImageBuilder
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<ImageBuildResult> BuildAsync(ImageRequest request, CancellationToken cancellationToken = default)
    {
        using var activity = NixeryDiagnostics.ActivitySource.StartActivity("nixery.build_image");
        activity?.SetTag("nixery.image", request.Name);
        activity?.SetTag("nixery.tag", request.Tag);
        var started = Stopwatch.GetTimestamp();

        var packageSet = await ResolveAsync(request, started, cancellationToken).ConfigureAwait(false);
        var buildKey = keys.For(packageSet, request);
        if (await TryFindBuiltAsync(request, packageSet, buildKey, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            LogCacheHit(request.Name, request.Tag, cached.OciManifest.Digest.ToString());
            return cached;
        }

        // One holder per image, here or (with a distributed coordinator) in the cluster; whoever held it before us may
        // have stored the image meanwhile, so look again once it is ours. When nothing could be handed over (an
        // unpinned set with recent builds off), waiting would only queue builds that run anyway.
        var handOver = CanBeHandedOver(packageSet);
        await using var hold = (handOver ? await coordinator.AcquireAsync(buildKey, cancellationToken).ConfigureAwait(false) : NoHold).ConfigureAwait(false);
        if (await TryFindBuiltAsync(request, packageSet, buildKey, cancellationToken, reportUnusable: false).ConfigureAwait(false) is { } built)
        {
            LogBuiltWhileWaiting(request.Name, request.Tag, built.OciManifest.Digest.ToString());
            return built;
        }

        // Only real builds take a slot: cache hits above never wait behind them.
        using var slot = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        NixBuildOutcome outcome;
        try
        {
            outcome = await nix.BuildAsync(request, packageSet, cancellationToken).ConfigureAwait(false);
        }
        catch (NixFailureException failure)
        {
            RecordFailure(request, started, failure);
            throw;
        }

        if (outcome is PackagesMissing missing)
        {
            RecordDuration(started, "packages-not-found");
            failures.Record(new BuildFailure(_time.GetUtcNow(), request.Name, request.Tag, "packages-not-found", missing.Result.Message, null));
            LogPackagesNotFound(request.Name, string.Join(", ", missing.Result.Packages));
            return missing.Result;
        }

        var closure = (RealisedClosure)outcome;
        await using (closure.ConfigureAwait(false))
        {
            var image = await AssembleAsync(request, packageSet, closure.Graph, cancellationToken).ConfigureAwait(false);
            // Recorded for garbage collection before anyone is told of it; a collection that ran meanwhile may have
            // taken a blob this build reused, and then packing again puts it back.
            await roots.TouchAsync(image, cancellationToken).ConfigureAwait(false);
            if (!await roots.ConfirmAsync(image, cancellationToken).ConfigureAwait(false))
            {
                image = await AssembleAsync(request, packageSet, closure.Graph, cancellationToken).ConfigureAwait(false);
                await roots.TouchAsync(image, cancellationToken).ConfigureAwait(false);
            }
            if (packageSet.IsPinned) await ImageCache.WriteAsync(store, buildKey, image, cancellationToken).ConfigureAwait(false);
            else if (RecentLifetime > TimeSpan.Zero) await ImageCache.WriteRecentAsync(store, buildKey, image, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

            NixeryDiagnostics.ImagesBuilt.Add(1);
            RecordDuration(started, "built");
            LogBuilt(request.Name, request.Tag, image.Layers.Count, closure.Graph.Paths.Count, image.OciManifest.Digest.ToString(),
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return image;
        }
    }

    private static readonly IAsyncDisposable NoHold = new NothingHeld();

    /// <summary>
    /// The package set the tag selects, locked to its current revision when the source can lock
    /// (<see cref="IPackageSourceLocking"/>), so the cache is asked for that revision's image; a failure to lock is a
    /// failed build.
    /// </summary>
    private async Task<PackageSetReference> ResolveAsync(ImageRequest request, long started, CancellationToken cancellationToken)
    {
        var packageSet = packageSource.Resolve(request.Tag);
        if (packageSource is not IPackageSourceLocking locking) return packageSet;
        try
        {
            return await locking.LockAsync(packageSet, cancellationToken).ConfigureAwait(false);
        }
        catch (NixFailureException failure)
        {
            RecordFailure(request, started, failure);
            throw;
        }
    }

    private TimeSpan RecentLifetime => registryOptions.Value.RecentBuildLifetime;

    /// <summary>Whether a stored image can answer for this set: always when pinned (the image cache), else while recent.</summary>
    private bool CanBeHandedOver(PackageSetReference packageSet) => packageSet.IsPinned || RecentLifetime > TimeSpan.Zero;

    /// <summary>
    /// The image as stored by an earlier build: for good when the package set is pinned, else when it was built within
    /// <see cref="NixeryRegistryOptions.RecentBuildLifetime"/>. A record that cannot be used is logged and ignored.
    /// </summary>
    private async Task<BuiltImage?> TryFindBuiltAsync(
        ImageRequest request, PackageSetReference packageSet, string buildKey, CancellationToken cancellationToken, bool reportUnusable = true)
    {
        // The cache key of a pinned set is its build key (ImageKeys).
        if (!CanBeHandedOver(packageSet)) return null;
        var (image, unusable) = packageSet.IsPinned
            ? await ImageCache.TryReadAsync(store, buildKey, request, cancellationToken).ConfigureAwait(false)
            : await ImageCache.TryReadRecentAsync(store, buildKey, request, RecentLifetime, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (unusable is not null && reportUnusable) LogCacheRecordUnusable(request.Name, request.Tag, buildKey, unusable);
        if (image is null) return null;
        // Served now: kept by garbage collection for another retention period, unless a collection running now took part of it.
        if (await roots.TouchAsync(image, cancellationToken).ConfigureAwait(false) && !await roots.ConfirmAsync(image, cancellationToken).ConfigureAwait(false))
            return null;
        NixeryDiagnostics.ImagesServedFromCache.Add(1);
        return image;
    }

    private void RecordFailure(ImageRequest request, long started, NixFailureException failure)
    {
        RecordDuration(started, "failed");
        failures.Record(new BuildFailure(_time.GetUtcNow(), request.Name, request.Tag,
            failure.Kind.ToString().ToLowerInvariant(), failure.Message, failure.NixMessage));
    }

    private static void RecordDuration(long started, string outcome) =>
        NixeryDiagnostics.BuildDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("nixery.build.outcome", outcome));

    private async Task<BuiltImage> AssembleAsync(
        ImageRequest request, PackageSetReference packageSet, Abstractions.Graph.RuntimeGraph graph, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // Packages that every image gets are shared by every image: give them layers of their own.
        var alwaysPopular = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Packages.Count && i < graph.TopLevel.Count; i++)
            if (settings.Requests.AlwaysIncludedPackages.Contains(request.Packages[i]))
                alwaysPopular.Add(graph.TopLevel[i]);

        var context = new LayeringContext(
            settings.LayerBudget, await popularity.GetAsync(cancellationToken).ConfigureAwait(false), alwaysPopular,
            await popularity.GetClosuresAsync(cancellationToken).ConfigureAwait(false));
        var plan = strategies.Selected.Plan(graph, context);

        var layers = new List<LayerDescriptor>(plan.Layers.Count + 1);
        foreach (var group in plan.Layers)
            layers.Add(await packer.PackStorePathsAsync(group.StorePaths, cancellationToken).ConfigureAwait(false));
        var closurePaths = graph.Paths.Select(p => p.Path).ToList();
        layers.Add(await packer.PackSymlinkLayerAsync(graph.TopLevel, closurePaths, request.NonRoot, cancellationToken).ConfigureAwait(false));

        var config = await store.PutAsync(ImageDocuments.Config(request, layers, settings.Images, packageSet), cancellationToken).ConfigureAwait(false);
        var oci = await StoreManifestAsync(ImageDocuments.Manifest(oci: true, config, layers), MediaTypes.OciManifest, cancellationToken).ConfigureAwait(false);
        // Docker's schema 2 has no zstd layers: clients that ask for it get the OCI manifest, which docker 23+ pulls.
        var docker = layers.All(l => l.MediaType == MediaTypes.OciLayerGzip)
            ? await StoreManifestAsync(ImageDocuments.Manifest(oci: false, config, layers), MediaTypes.DockerManifest, cancellationToken).ConfigureAwait(false)
            : oci;
        // Its bill of materials comes from the same closure, attached as referrers of both manifests.
        return await sboms.AttachAsync(new BuiltImage(request, config, layers, oci, docker), graph, packageSet, cancellationToken).ConfigureAwait(false);
    }

    // The image carries its manifests' bytes: the registry serves them without reading them back.
    private async Task<StoredManifest> StoreManifestAsync(byte[] content, string mediaType, CancellationToken cancellationToken)
    {
        var stored = await store.PutAsync(content, cancellationToken).ConfigureAwait(false);
        return new StoredManifest(stored.Digest, mediaType, content);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Image}:{Tag} served from cache as {ManifestDigest}")]
    private partial void LogCacheHit(string image, string tag, string manifestDigest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Image}:{Tag} was built by another holder of its build while this request waited, as {ManifestDigest}")]
    private partial void LogBuiltWhileWaiting(string image, string tag, string manifestDigest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image {Image}:{Tag}: the cached image {CacheKey} cannot be used ({Problem}); building it again")]
    private partial void LogCacheRecordUnusable(string image, string tag, string cacheKey, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Image}: packages not found: {MissingPackages}")]
    private partial void LogPackagesNotFound(string image, string missingPackages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Built image {Image}:{Tag}: {LayerCount} layers from {PathCount} store paths as {ManifestDigest} in {ElapsedMs:F0} ms")]
    private partial void LogBuilt(string image, string tag, int layerCount, int pathCount, string manifestDigest, double elapsedMs);

    private sealed class NothingHeld : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
