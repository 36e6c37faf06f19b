using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;
using Nixery.Core.Collection;
using Nixery.Core.Images;
using Nixery.Core.Platforms;

namespace Nixery.Core.Building;

/// <summary>
/// A name's image for every platform of <see cref="ImagePlatforms"/> and the index listing them. Each platform's image
/// is an ordinary build through <see cref="RecentBuilds"/> (so its cache, single flight and coordinator apply), with the
/// request's architecture set; the index and manifest list are stored as blobs, as manifests are, and recorded for
/// garbage collection with every blob of every entry.
/// </summary>
public sealed partial class ImageIndexBuilds(
    RecentBuilds builds,
    ImagePlatforms platforms,
    IBlobStore store,
    ImageRoots roots,
    ILogger<ImageIndexBuilds> logger)
{
    /// <summary>
    /// The index of <paramref name="request"/>'s images (its own architecture is replaced by each platform's), or a
    /// <see cref="PackagesNotFound"/>: naming the first platform that lacks packages when others have them, naming none
    /// when every platform lacks the same; and whether every image came from another request's build.
    /// </summary>
    /// <exception cref="NixFailureException">Nix failed for one of the platforms.</exception>
    public async Task<(ImageBuildResult Result, bool Shared)> GetOrBuildAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // All platforms at once: the build gate still bounds how many run.
        var results = await Task.WhenAll(platforms.All.Select(platform =>
            builds.GetOrBuildAsync(request with { Architecture = platform }, cancellationToken))).ConfigureAwait(false);

        var missing = results.Select(r => r.Result).OfType<PackagesNotFound>().ToList();
        if (missing.Count == results.Length && missing.All(m => m.Packages.SequenceEqual(missing[0].Packages, StringComparer.Ordinal)))
            return (missing[0], results[0].Shared);
        var images = new List<BuiltImage>(results.Length);
        for (var i = 0; i < results.Length; i++)
        {
            switch (results[i].Result)
            {
                case PackagesNotFound notFound:
                    LogPackagesNotFoundForPlatform(request.Name, platforms.All[i].OciPlatform, string.Join(", ", notFound.Packages));
                    return (notFound with { Platform = platforms.All[i].OciPlatform }, results[i].Shared);
                case BuiltImage image:
                    images.Add(image);
                    break;
                default:
                    throw new InvalidOperationException($"unexpected build result {results[i].Result.GetType().Name}");
            }
        }

        var oci = await StoreAsync(IndexDocuments.Index(oci: true, images), MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
        var docker = await StoreAsync(IndexDocuments.Index(oci: false, images), MediaTypes.DockerManifestList, cancellationToken).ConfigureAwait(false);
        var index = new BuiltImageIndex(oci, docker, images);
        // Garbage collection keeps the index with its entries; a collection running meanwhile may have taken the index
        // blob, which storing it again puts back (the entries were confirmed by their own builds).
        if (await roots.TouchAsync(index, cancellationToken).ConfigureAwait(false) && !await roots.ConfirmAsync(index, cancellationToken).ConfigureAwait(false))
        {
            await store.PutAsync(oci.Content, cancellationToken).ConfigureAwait(false);
            await store.PutAsync(docker.Content, cancellationToken).ConfigureAwait(false);
        }
        builds.RememberManifest(oci);
        builds.RememberManifest(docker);
        return (index, results.All(r => r.Shared));
    }

    private async Task<StoredManifest> StoreAsync(byte[] content, string mediaType, CancellationToken cancellationToken)
    {
        var digest = Digest.Of(content);
        // Stored once per process: an index recently built or read is known, and its blob with it.
        if (!builds.TryGetManifest(digest, out _)) await store.PutAsync(content, cancellationToken).ConfigureAwait(false);
        return new StoredManifest(digest, mediaType, content);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Image}: packages not found for {Platform}: {MissingPackages}")]
    private partial void LogPackagesNotFoundForPlatform(string image, string platform, string missingPackages);
}
