namespace Nixery.Abstractions.Storage;

/// <summary>
/// The engine's content-addressed store of layers, configs and manifests, plus small named records (the layer index and
/// the image cache) so that work done once is found again after a restart and by other instances. Nixery.Core implements
/// it once over the configured <see cref="IStorageBackend"/>, checking every digest, size and name there.
/// </summary>
public interface IBlobStore
{
    /// <summary>The size of a stored blob, or null when it is not stored.</summary>
    Task<BlobInfo?> StatAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a stored blob for reading, or returns null when it is not stored. The stream seeks (ranges are served from it)
    /// and fails with <see cref="StorageIntegrityException"/> when the object ends short of its length; a small blob (a
    /// config or manifest) read from start to end also fails so when its bytes do not hash to the digest.
    /// </summary>
    Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Starts writing a blob whose digest is known only at the end.</summary>
    Task<IBlobWriter> BeginWriteAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores small content (a config or manifest) under its digest, unless it is stored already.</summary>
    Task<BlobInfo> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Where a client can fetch a stored blob with <paramref name="method"/> (GET or HEAD) instead of through the registry,
    /// or null to stream it (the backend offers no redirects, or not for this blob). Null too when the blob is not stored.
    /// </summary>
    Task<Uri?> GetRedirectAsync(Digest digest, HttpMethod method, CancellationToken cancellationToken = default);

    /// <summary>Reads a named record, or returns null when there is none.</summary>
    /// <exception cref="ArgumentException">The name breaks <see cref="StorageKeys.Record"/>'s rules.</exception>
    Task<byte[]?> ReadRecordAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Writes a named record atomically, replacing any earlier one.</summary>
    /// <exception cref="ArgumentException">The name breaks <see cref="StorageKeys.Record"/>'s rules.</exception>
    Task WriteRecordAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);
}
