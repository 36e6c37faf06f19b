using Nixery.Abstractions.Storage;

namespace Nixery.Core.Collection;

/// <summary>What a collection found and did (or, in a dry run, would do).</summary>
/// <param name="Applied">False for a dry run: nothing was deleted.</param>
/// <param name="ImagesKept">Images used within the retention, whose blobs were kept.</param>
/// <param name="ImagesExpired">Images not used within the retention, whose roots go.</param>
/// <param name="BlobsKept">Blobs kept: needed by a kept image, or younger than the grace period.</param>
/// <param name="BytesKept">Their bytes.</param>
/// <param name="Deleted">The blobs deleted (or that would be), with their sizes.</param>
/// <param name="RecordsDeleted">Records deleted with them: expired roots, and cache records naming a deleted blob.</param>
public sealed record CollectionReport(
    bool Applied,
    int ImagesKept,
    int ImagesExpired,
    int BlobsKept,
    long BytesKept,
    IReadOnlyList<BlobInfo> Deleted,
    int RecordsDeleted)
{
    /// <summary>The bytes of <see cref="Deleted"/>.</summary>
    public long BytesDeleted => Deleted.Sum(blob => blob.Size);
}
