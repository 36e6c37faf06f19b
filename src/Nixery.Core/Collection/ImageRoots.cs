using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Storage;
using Nixery.Core.Building;

namespace Nixery.Core.Collection;

/// <summary>
/// What garbage collection keeps: a record per manifest (<c>roots/&lt;hex&gt;.json</c>) naming every blob of its image
/// and when the image was last built or served. The engine writes it after a build and refreshes it when the image is
/// served (at most once per a tenth of the retention, per process).
/// </summary>
/// <remarks>
/// A build may reuse an old blob that a collection running at the same time is about to delete. Collections announce
/// themselves with a record under <c>gc/</c> before they list roots and remove it after their last delete; an image
/// recorded while one runs is checked blob by blob after it finishes (<see cref="ConfirmAsync(BuiltImage, CancellationToken)"/>), and built again if
/// anything went.
/// </remarks>
public sealed class ImageRoots
{
    internal const string RootPrefix = "roots/";
    internal const string CollectionPrefix = "gc/";

    /// <summary>A collection record older than this belongs to a collection that died; it is ignored.</summary>
    internal static readonly TimeSpan CollectionRecordLifetime = TimeSpan.FromHours(1);

    private readonly IBlobStore _store;
    private readonly IStorageListing? _listing;
    private readonly CollectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<Digest, DateTimeOffset> _touched = new();

    /// <summary>Creates the roots over the engine's store and backend.</summary>
    public ImageRoots(IBlobStore store, IStorageBackend backend, IOptions<CollectionOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _listing = backend as IStorageListing;
        _options = options.Value;
        _time = time ?? TimeProvider.System;
    }

    private TimeSpan TouchInterval => TimeSpan.FromTicks(Math.Min(_options.Retention.Ticks / 10, TimeSpan.FromHours(1).Ticks));

    /// <summary>
    /// Records that <paramref name="image"/> was built or served now (unless this process did so recently); true when it
    /// wrote, and so the caller must <see cref="ConfirmAsync(BuiltImage, CancellationToken)"/> the image before it hands it out.
    /// </summary>
    public Task<bool> TouchAsync(BuiltImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        return TouchAsync(image.OciManifest.Digest, image.DockerManifest.Digest, BlobsOf(image), cancellationToken);
    }

    /// <summary>
    /// Records that <paramref name="index"/> was built or served now, as <see cref="TouchAsync(BuiltImage, CancellationToken)"/>
    /// does for an image: a root for each of its two documents naming them and every blob of every entry, so that
    /// collection keeps an index pulled by digest with all its platforms.
    /// </summary>
    public Task<bool> TouchAsync(BuiltImageIndex index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        return TouchAsync(index.OciIndex.Digest, index.DockerManifestList.Digest, BlobsOf(index), cancellationToken);
    }

    /// <summary>One root record naming <paramref name="blobs"/>, under both documents' digests (once when they are one).</summary>
    private async Task<bool> TouchAsync(Digest oci, Digest docker, IReadOnlyList<Digest> blobs, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_touched.TryGetValue(oci, out var last) && now - last < TouchInterval) return false;
        var record = JsonSerializer.SerializeToUtf8Bytes(new RootRecord(now, blobs));
        await _store.WriteRecordAsync(RootName(oci), record, cancellationToken).ConfigureAwait(false);
        if (docker != oci) await _store.WriteRecordAsync(RootName(docker), record, cancellationToken).ConfigureAwait(false);
        Remember(oci, now);
        Remember(docker, now);
        return true;
    }

    /// <summary>As <see cref="ConfirmAsync(BuiltImage, CancellationToken)"/>, for every blob of an index and its entries.</summary>
    public Task<bool> ConfirmAsync(BuiltImageIndex index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        return ConfirmAsync(index.OciIndex.Digest, BlobsOf(index), cancellationToken);
    }

    /// <summary>Records that the manifest <paramref name="manifest"/> was served by digest now, when it has a root.</summary>
    public async Task TouchManifestAsync(Digest manifest, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_touched.TryGetValue(manifest, out var last) && now - last < TouchInterval) return;
        var bytes = await _store.ReadRecordAsync(RootName(manifest), cancellationToken).ConfigureAwait(false);
        if (bytes is null || Parse(bytes) is not { } root) return;
        await _store.WriteRecordAsync(RootName(manifest), JsonSerializer.SerializeToUtf8Bytes(root with { LastUsed = now }), cancellationToken)
            .ConfigureAwait(false);
        Remember(manifest, now);
    }

    /// <summary>
    /// True when every blob of <paramref name="image"/> is still stored once no collection is running; false when a
    /// collection deleted one of them (the caller builds the image again). Cheap when no collection runs: one listing.
    /// </summary>
    public Task<bool> ConfirmAsync(BuiltImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ConfirmAsync(image.OciManifest.Digest, BlobsOf(image), cancellationToken);
    }

    private async Task<bool> ConfirmAsync(Digest root, IReadOnlyList<Digest> blobs, CancellationToken cancellationToken)
    {
        if (_listing is null) return true;
        var waited = false;
        while (await CollectionRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            waited = true;
            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
        }
        if (!waited) return true;
        foreach (var digest in blobs)
        {
            if (await _store.StatAsync(digest, cancellationToken).ConfigureAwait(false) is null)
            {
                _touched.TryRemove(root, out _);
                return false;
            }
        }
        return true;
    }

    internal static string RootName(Digest manifest) => $"{RootPrefix}{manifest.Hex}.json";

    internal static IReadOnlyList<Digest> BlobsOf(BuiltImage image) =>
        [image.OciManifest.Digest, image.DockerManifest.Digest, image.Config.Digest, .. image.Layers.Select(layer => layer.Digest),
            .. image.Referrers.SelectMany(referrer => referrer.Blobs.Prepend(referrer.Manifest.Digest)).Distinct()];

    internal static IReadOnlyList<Digest> BlobsOf(BuiltImageIndex index) =>
        [index.OciIndex.Digest, index.DockerManifestList.Digest, .. index.Images.SelectMany(BlobsOf).Distinct()];

    internal static RootRecord? Parse(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<RootRecord>(bytes);
        }
        catch (JsonException)
        {
            return null; // not ours: the collector treats the record as expired
        }
    }

    private async Task<bool> CollectionRunningAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - CollectionRecordLifetime;
        await foreach (var record in _listing!.ListAsync(StorageKeys.RecordPrefix + CollectionPrefix, cancellationToken).ConfigureAwait(false))
            if (record.LastModified is not { } written || written > cutoff) return true;
        return false;
    }

    private void Remember(Digest manifest, DateTimeOffset now)
    {
        if (_touched.Count > 65_536) _touched.Clear();
        _touched[manifest] = now;
    }

    /// <summary>A root: when its image was last built or served, and every blob it needs.</summary>
    internal sealed record RootRecord(DateTimeOffset LastUsed, IReadOnlyList<Digest> Blobs);
}
