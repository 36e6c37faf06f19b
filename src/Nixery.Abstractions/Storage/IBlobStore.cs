namespace Nixery.Abstractions.Storage;

/// <summary>
/// Content-addressed storage of layers, configs and manifests, plus small named records (the layer index and
/// the manifest cache) so that work done once is found again after a restart and by other instances.
/// </summary>
public interface IBlobStore
{
    /// <summary>The size of a stored blob, or null when it is not stored.</summary>
    Task<BlobInfo?> StatAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Opens a stored blob for reading, or returns null when it is not stored.</summary>
    Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Starts writing a blob whose digest is known only at the end.</summary>
    Task<IBlobWriter> BeginWriteAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a named record, or returns null when there is none.</summary>
    Task<byte[]?> ReadRecordAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Writes a named record atomically, replacing any earlier one.</summary>
    Task WriteRecordAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);
}
