namespace Nixery.Abstractions.Storage;

/// <summary>
/// A blob being written. Bytes go to <see cref="Content"/>; nothing is visible under a digest until
/// <see cref="CommitAsync"/> has checked that the bytes hash to it. Disposing without committing discards them.
/// </summary>
public interface IBlobWriter : IAsyncDisposable
{
    /// <summary>Where to write the blob's bytes.</summary>
    Stream Content { get; }

    /// <summary>Verifies the written bytes against <paramref name="expected"/> and publishes them under it.</summary>
    /// <exception cref="DigestMismatchException">The bytes hash to something else; nothing is published.</exception>
    Task<BlobInfo> CommitAsync(Digest expected, CancellationToken cancellationToken = default);
}
