using System.Security.Cryptography;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// A stored blob opened for reading. It seeks (a seek the backend's stream cannot follow reopens the object at the new
/// offset), so ranges can be served from any backend; it fails with <see cref="StorageIntegrityException"/> when the
/// object stops short of its length; and, when asked to verify, while it is read from the first byte to the last without
/// a seek it hashes what passes and fails at the end when the bytes do not hash to the digest.
/// </summary>
internal sealed class VerifyingReadStream : Stream
{
    private readonly BlobStore _store;
    private readonly string _key;
    private readonly Digest _digest;
    private readonly long _length;
    private IncrementalHash? _hash;
    private Stream? _current;
    private long _currentStart; // the object offset the current stream started at
    private long _position;
    private bool _disposed;

    public VerifyingReadStream(BlobStore store, string key, Digest digest, StorageReadResult opened, bool verify)
    {
        _hash = verify ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        _store = store;
        _key = key;
        _digest = digest;
        _length = opened.Length;
        _current = opened.Content;
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => !_disposed;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length == 0 || _position >= _length)
        {
            if (_position >= _length) await FinishAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (_current is null)
        {
            var reopened = await _store.ReopenAsync(_key, _position, cancellationToken).ConfigureAwait(false)
                ?? throw _store.CorruptRead(_key, _digest, $"it disappeared while being read, at byte {_position} of {_length}");
            _current = reopened.Content;
            _currentStart = _position;
        }

        var wanted = (int)Math.Min(buffer.Length, _length - _position);
        var read = await _current.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        if (read == 0)
            throw _store.CorruptRead(_key, _digest, $"it ended after {_position} of the {_length} bytes it holds");
        _hash?.AppendData(buffer.Span[..read]);
        _position += read;
        if (_position == _length) await FinishAsync(cancellationToken).ConfigureAwait(false);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target == _position) return _position;

        // Bytes skipped or read twice: the hash of the whole no longer says anything.
        _hash?.Dispose();
        _hash = null;
        if (_current is { CanSeek: true } seekable)
        {
            seekable.Position = target - _currentStart;
        }
        else
        {
            _current?.Dispose();
            _current = null;
        }
        _position = target;
        return _position;
    }

    /// <summary>At the end of a verified read from the start: the bytes must hash to the digest, and nothing may follow.</summary>
    private async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_hash is null) return;
        var hash = _hash;
        _hash = null;
        var actual = Digest.FromHash(hash.GetHashAndReset());
        hash.Dispose();
        if (actual != _digest)
            throw _store.CorruptRead(_key, _digest, $"its {_length} bytes hash to {actual}, not to {_digest}");
        if (_current is not null && await _current.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            throw _store.CorruptRead(_key, _digest, $"it goes on past the {_length} bytes it says it holds");
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _hash?.Dispose();
            _current?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _hash?.Dispose();
            if (_current is not null) await _current.DisposeAsync().ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
