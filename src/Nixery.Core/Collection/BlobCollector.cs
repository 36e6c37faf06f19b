using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Collection;

/// <summary>
/// Garbage collection of the blob store: blobs needed by images built or served within
/// <see cref="CollectionOptions.Retention"/> are kept, and so is every blob younger than
/// <see cref="CollectionOptions.GracePeriod"/>; the rest is deleted, with the records that name it. Safe while any
/// instance on the store builds (see <see cref="ImageRoots"/>). Needs a backend that lists and deletes.
/// </summary>
public sealed partial class BlobCollector(
    IBlobStore store, IStorageBackend backend, IOptions<CollectionOptions> options, ILogger<BlobCollector> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Finds what is not needed and, when <paramref name="apply"/>, deletes it. <paramref name="retention"/> and
    /// <paramref name="gracePeriod"/> override the configured ones for this run.
    /// </summary>
    /// <exception cref="NotSupportedException">The storage backend cannot list or delete.</exception>
    public async Task<CollectionReport> CollectAsync(bool apply, TimeSpan? retention = null, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default)
    {
        if (backend is not IStorageListing listing || backend is not IStorageDeletion deletion)
            throw new NotSupportedException($"the storage backend {backend.GetType().Name} cannot list and delete objects, so its blobs cannot be collected");
        var started = _time.GetUtcNow();
        var keepUsedSince = started - (retention ?? options.Value.Retention);
        var keepWrittenSince = started - (gracePeriod ?? options.Value.GracePeriod);

        // Announced before the roots are read: a build recorded from now on is checked once this run is over. Written
        // again while the run lasts, since instances take an announcement older than an hour for a dead run's.
        var announcement = $"{ImageRoots.CollectionPrefix}{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var announced = DateTimeOffset.MinValue;
        async Task AnnounceAsync()
        {
            if (!apply || _time.GetUtcNow() - announced < ImageRoots.CollectionRecordLifetime / 6) return;
            announced = _time.GetUtcNow();
            await store.WriteRecordAsync(announcement, Encoding.UTF8.GetBytes(announced.ToString("O")), cancellationToken).ConfigureAwait(false);
        }
        await AnnounceAsync().ConfigureAwait(false);
        try
        {
            var read = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
            var (needed, kept, expired, expiredImages) = await ReadRootsAsync(listing, keepUsedSince, read, cancellationToken).ConfigureAwait(false);

            var candidates = new List<BlobInfo>();
            var (blobsKept, bytesKept) = (0, 0L);
            await foreach (var blob in listing.ListAsync(StorageKeys.BlobPrefix, cancellationToken).ConfigureAwait(false))
            {
                if (StorageKeys.DigestOf(blob.Key) is not { } digest) continue;
                // A blob of unknown age is kept: it may be a layer of a build in flight.
                if (needed.Contains(digest) || blob.LastModified is not { } written || written >= keepWrittenSince)
                {
                    (blobsKept, bytesKept) = (blobsKept + 1, bytesKept + blob.Size);
                    continue;
                }
                candidates.Add(new BlobInfo(digest, blob.Size));
            }

            // Roots recorded while the blobs were listed count too (only those written since they were read).
            var (neededNow, _, _, _) = await ReadRootsAsync(listing, keepUsedSince, read, cancellationToken).ConfigureAwait(false);
            var deleted = new List<BlobInfo>();
            foreach (var blob in candidates)
            {
                if (neededNow.Contains(blob.Digest))
                {
                    (blobsKept, bytesKept) = (blobsKept + 1, bytesKept + blob.Size);
                    continue;
                }
                await AnnounceAsync().ConfigureAwait(false);
                if (apply) await deletion.DeleteAsync(StorageKeys.Blob(blob.Digest), cancellationToken).ConfigureAwait(false);
                deleted.Add(blob);
            }

            var records = apply ? await DeleteRecordsAsync(listing, deletion, expired, keepUsedSince, [.. deleted.Select(b => b.Digest)], cancellationToken).ConfigureAwait(false) : expired.Count;
            var report = new CollectionReport(apply, kept, expiredImages, blobsKept, bytesKept, deleted, records);
            LogCollected(apply ? "deleted" : "would delete", report.Deleted.Count, report.BytesDeleted, report.ImagesKept, report.BlobsKept, report.BytesKept, report.RecordsDeleted);
            return report;
        }
        finally
        {
            if (apply) await deletion.DeleteAsync(StorageKeys.Record(announcement), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The blobs that roots used since <paramref name="since"/> need, how many images those are (an image has a root per
    /// manifest: count by its first, the OCI manifest), the keys of the other roots, and how many images they are.
    /// Roots in <paramref name="read"/> with the same modification time are skipped; every root read is added to it.
    /// </summary>
    private async Task<(HashSet<Digest> Needed, int Kept, List<string> Expired, int ExpiredImages)> ReadRootsAsync(
        IStorageListing listing, DateTimeOffset since, Dictionary<string, DateTimeOffset?> read, CancellationToken cancellationToken)
    {
        var needed = new HashSet<Digest>();
        var (kept, gone) = (new HashSet<Digest>(), new HashSet<string>(StringComparer.Ordinal));
        var expired = new List<string>();
        await foreach (var root in listing.ListAsync(StorageKeys.RecordPrefix + ImageRoots.RootPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (read.TryGetValue(root.Key, out var modified) && modified is not null && modified == root.LastModified) continue;
            read[root.Key] = root.LastModified;
            var bytes = await store.ReadRecordAsync(root.Key[StorageKeys.RecordPrefix.Length..], cancellationToken).ConfigureAwait(false);
            if (bytes is null) continue;
            var record = ImageRoots.Parse(bytes);
            if (record is { Blobs.Count: > 0 } && record.LastUsed >= since)
            {
                kept.Add(record.Blobs[0]);
                needed.UnionWith(record.Blobs);
            }
            else
            {
                expired.Add(root.Key);
                gone.Add(record is { Blobs.Count: > 0 } ? record.Blobs[0].ToString() : root.Key);
            }
        }
        return (needed, kept.Count, expired, gone.Count);
    }

    /// <summary>Deletes the expired roots and every other record that names a deleted blob (cache records would only miss).</summary>
    private async Task<int> DeleteRecordsAsync(
        IStorageListing listing, IStorageDeletion deletion, List<string> expiredRoots, DateTimeOffset since, HashSet<Digest> deleted, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var key in expiredRoots)
        {
            // Used again since it was read (served by another instance): it stays.
            var bytes = await store.ReadRecordAsync(key[StorageKeys.RecordPrefix.Length..], cancellationToken).ConfigureAwait(false);
            if (bytes is not null && ImageRoots.Parse(bytes) is { } root && root.LastUsed >= since) continue;
            if (await deletion.DeleteAsync(key, cancellationToken).ConfigureAwait(false)) count++;
        }
        if (deleted.Count == 0) return count;
        await foreach (var record in listing.ListAsync(StorageKeys.RecordPrefix, cancellationToken).ConfigureAwait(false))
        {
            var name = record.Key[StorageKeys.RecordPrefix.Length..];
            if (name.StartsWith(ImageRoots.RootPrefix, StringComparison.Ordinal) || name.StartsWith(ImageRoots.CollectionPrefix, StringComparison.Ordinal)) continue;
            var bytes = await store.ReadRecordAsync(name, cancellationToken).ConfigureAwait(false);
            if (bytes is null) continue;
            foreach (Match match in DigestPattern().Matches(Encoding.UTF8.GetString(bytes)))
            {
                if (Digest.TryParse(match.Value, out var named) && deleted.Contains(named))
                {
                    if (await deletion.DeleteAsync(record.Key, cancellationToken).ConfigureAwait(false)) count++;
                    break;
                }
            }
        }
        return count;
    }

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex DigestPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Collection: {Action} {BlobCount} blobs of {Bytes} bytes; kept {ImagesKept} images' {BlobsKept} blobs of {BytesKept} bytes; {RecordsDeleted} records")]
    private partial void LogCollected(string action, int blobCount, long bytes, int imagesKept, int blobsKept, long bytesKept, int recordsDeleted);
}
