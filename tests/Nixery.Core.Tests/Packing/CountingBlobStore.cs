using Nixery.Abstractions.Storage;

namespace Nixery.Core.Tests.Packing;

/// <summary>Passes everything to a real store and counts how many blobs were begun, i.e. how many layers were packed.</summary>
internal sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
{
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public Task<BlobInfo?> StatAsync(Digest digest, CancellationToken cancellationToken = default) => inner.StatAsync(digest, cancellationToken);

    public Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default) => inner.OpenReadAsync(digest, cancellationToken);

    public Task<IBlobWriter> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        return inner.BeginWriteAsync(cancellationToken);
    }

    public Task<BlobInfo> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(content, cancellationToken);

    public Task<Uri?> GetRedirectAsync(Digest digest, HttpMethod method, CancellationToken cancellationToken = default) =>
        inner.GetRedirectAsync(digest, method, cancellationToken);

    public Task<byte[]?> ReadRecordAsync(string name, CancellationToken cancellationToken = default) => inner.ReadRecordAsync(name, cancellationToken);

    public Task WriteRecordAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.WriteRecordAsync(name, content, cancellationToken);
}
