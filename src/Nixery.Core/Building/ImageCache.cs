using System.Text.Json;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Building;

/// <summary>
/// Remembers built images in the blob store's records, where every instance sharing the store finds them: by cache key
/// for good when the package set is pinned (<c>images/</c>), and by build key with the time of the build when it is not
/// (<c>recent/</c>), so that replicas waiting on another's build take its result while it is recent.
/// </summary>
internal static class ImageCache
{
    private static string RecordName(string cacheKey) => $"images/{cacheKey}.json";

    private static string RecentRecordName(string buildKey) => $"recent/{buildKey}.json";

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
        return await CheckAsync(store, image, request, cancellationToken).ConfigureAwait(false);
    }

    public static Task WriteAsync(IBlobStore store, string cacheKey, BuiltImage image, CancellationToken cancellationToken) =>
        store.WriteRecordAsync(RecordName(cacheKey), JsonSerializer.SerializeToUtf8Bytes(image), cancellationToken);

    /// <summary>
    /// The image last built for <paramref name="buildKey"/> when that build finished less than <paramref name="lifetime"/>
    /// before <paramref name="now"/> (by the building instance's clock), else null.
    /// </summary>
    public static async Task<(BuiltImage? Image, string? Unusable)> TryReadRecentAsync(
        IBlobStore store, string buildKey, ImageRequest request, TimeSpan lifetime, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await store.ReadRecordAsync(RecentRecordName(buildKey), cancellationToken).ConfigureAwait(false);
        if (record is null) return (null, null);
        RecentImage? recent;
        try
        {
            recent = JsonSerializer.Deserialize<RecentImage>(record);
        }
        catch (JsonException exception)
        {
            return (null, $"it is not a recent image ({exception.Message})");
        }
        if (recent is null || now - recent.BuiltAt >= lifetime) return (null, null);
        return await CheckAsync(store, recent.Image, request, cancellationToken).ConfigureAwait(false);
    }

    public static Task WriteRecentAsync(IBlobStore store, string buildKey, BuiltImage image, DateTimeOffset builtAt, CancellationToken cancellationToken) =>
        store.WriteRecordAsync(RecentRecordName(buildKey), JsonSerializer.SerializeToUtf8Bytes(new RecentImage(builtAt, image)), cancellationToken);

    private static async Task<(BuiltImage? Image, string? Unusable)> CheckAsync(IBlobStore store, BuiltImage? image, ImageRequest request, CancellationToken cancellationToken)
    {
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

    private sealed record RecentImage(DateTimeOffset BuiltAt, BuiltImage Image);
}
