namespace Nixery.Abstractions.Storage;

/// <summary>
/// The one capability every storage backend has: objects by key, read from an offset, written whole or through an upload
/// that becomes visible only when committed. A backend moves bytes and nothing else: the engine names the objects
/// (<see cref="StorageKeys"/>), hashes what it writes and reads, checks sizes, and decides when an upload is committed.
/// Optional capabilities are separate interfaces the backend class may also implement: <see cref="IStorageStat"/>,
/// <see cref="IStorageRedirects"/>, <see cref="IStorageDeletion"/>, <see cref="IStorageListing"/> and
/// <see cref="IStorageStartupCheck"/>. Register one with <c>builder.UseStorage&lt;TStorage&gt;()</c>, and test it with
/// the conformance kit in Nixery.Storage.Testing.
/// </summary>
/// <remarks>
/// Keys follow <see cref="StorageKeys"/>: at most <see cref="StorageKeys.MaxLength"/> characters of <c>[A-Za-z0-9._/-]</c>
/// in non-empty segments, so they are valid object names in every cloud store and relative paths on every file system.
/// Implementations must be safe for concurrent use; several processes may share one backend's storage.
/// </remarks>
public interface IStorageBackend
{
    /// <summary>
    /// Opens the object at <paramref name="key"/> for reading from byte <paramref name="offset"/> to its end, or returns null
    /// when there is none. An offset at or past the end gives an empty stream.
    /// </summary>
    Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken);

    /// <summary>Starts an upload whose key is given only when it is committed (a blob's digest is known at the end).</summary>
    Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes a small object (a record, a config, a manifest) in one step: readers see the old object or the new one,
    /// never part of either. With <paramref name="replace"/> false, an existing object is kept and false returned.
    /// </summary>
    /// <returns>True when this call wrote the object.</returns>
    Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken);
}
