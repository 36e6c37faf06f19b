using System.Text.Json;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Building;

/// <summary>
/// Remembers built images by cache key in the blob store's records, so an image from a pinned package set is built
/// once, also across restarts and by every instance sharing the store.
/// </summary>
internal static class ImageCache
{
    private static string RecordName(string cacheKey) => $"images/{cacheKey}.json";

    /// <summary>The cached image, or null on a miss or when the record cannot be used (then <c>Unusable</c> says why).</summary>
    public static async Task<(BuiltImage? Image, string? Unusable)> TryReadAsync(IBlobStore store, string cacheKey, ImageRequest request, CancellationToken cancellationToken)
    {
        var record = await store.ReadRecordAsync(RecordName(cacheKey), cancellationToken).ConfigureAwait(false);
        if (record is null) return (null, null);
        BuiltImage? image;
        try
        {
            image = JsonSerializer.Deserialize<BuiltImage>(record);
        }
        catch (JsonException exception)
        {
            return (null, $"it is not a cached image ({exception.Message})"); // written by an incompatible version: build again and overwrite
        }
        if (image?.OciManifest?.Content is null || image.DockerManifest?.Content is null) return (null, "it lacks the manifests");
        if (Digest.Of(image.OciManifest.Content) != image.OciManifest.Digest || Digest.Of(image.DockerManifest.Content) != image.DockerManifest.Digest)
            return (null, "its manifests do not hash to their digests");

        // A record outliving its blobs (a store pruned by hand) must not serve a manifest that cannot be pulled.
        if (await store.StatAsync(image.OciManifest.Digest, cancellationToken).ConfigureAwait(false) is null
            || await store.StatAsync(image.DockerManifest.Digest, cancellationToken).ConfigureAwait(false) is null)
            return (null, "its manifests are no longer stored");

        // The same packages may have been asked for under another name (git/htop for htop/git).
        return (image with { Request = request }, null);
    }

    public static Task WriteAsync(IBlobStore store, string cacheKey, BuiltImage image, CancellationToken cancellationToken) =>
        store.WriteRecordAsync(RecordName(cacheKey), JsonSerializer.SerializeToUtf8Bytes(image), cancellationToken);
}
