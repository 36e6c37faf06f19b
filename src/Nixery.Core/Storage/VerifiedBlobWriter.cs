using System.Security.Cryptography;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// A blob on its way into a backend: every byte is hashed and counted as it passes to the backend's upload, and the
/// upload is committed under the digest only when the bytes hash to the digest announced at the end.
/// </summary>
internal sealed class VerifiedBlobWriter(BlobStore store, IStorageUpload upload) : Stream, IBlobWriter
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;
    private bool _closed;

    public Stream Content => this;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_closed;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _hash.AppendData(buffer.Span);
        _length += buffer.Length;
        return upload.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public async Task<BlobInfo> CommitAsync(Digest expected, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        try
        {
            var actual = Digest.FromHash(_hash.GetHashAndReset());
            if (actual != expected) throw new DigestMismatchException(expected, actual);
            var key = StorageKeys.Blob(expected);
            await upload.CommitAsync(key, cancellationToken).ConfigureAwait(false);
            await store.CheckCommittedAsync(key, expected, _length, cancellationToken).ConfigureAwait(false);
            return new BlobInfo(expected, _length);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        _hash.Dispose();
        await upload.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed) DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
