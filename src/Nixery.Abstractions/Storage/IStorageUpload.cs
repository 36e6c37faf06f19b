namespace Nixery.Abstractions.Storage;

/// <summary>
/// An upload in progress. Nothing is visible under any key until <see cref="CommitAsync"/>; disposing without committing
/// discards what was written (what a crash leaves behind, the backend cleans up later, e.g. by a lifecycle rule).
/// </summary>
public interface IStorageUpload : IAsyncDisposable
{
    /// <summary>Appends bytes. Callers write sequentially and never concurrently.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes everything written under <paramref name="key"/>, whole and at once. When an object is there already it is
    /// kept and these bytes are discarded: keys given here name content, so the object there holds the same bytes.
    /// </summary>
    Task CommitAsync(string key, CancellationToken cancellationToken);
}
