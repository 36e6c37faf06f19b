using System.Buffers;

namespace Nixery.Core.Packing;

/// <summary>
/// Cuts a byte stream into chunks of exactly <c>chunkSize</c> bytes (the last one shorter), so that chunk boundaries
/// depend only on the bytes, never on timing. Each full chunk is handed to a callback that owns the buffer from then on
/// (it is rented from <see cref="ArrayPool{T}.Shared"/> and should be returned there).
/// </summary>
internal sealed class ChunkWriter
{
    private readonly int _chunkSize;
    private readonly Func<byte[], int, CancellationToken, ValueTask> _onChunk;
    private byte[] _buffer;
    private int _used;

    public ChunkWriter(int chunkSize, Func<byte[], int, CancellationToken, ValueTask> onChunk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 512);
        _chunkSize = chunkSize;
        _onChunk = onChunk;
        _buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
    }

    /// <summary>Bytes written so far.</summary>
    public long Position { get; private set; }

    /// <summary>Free space in the current chunk; never empty after <see cref="EnsureSpaceAsync"/>.</summary>
    public Memory<byte> Available => _buffer.AsMemory(_used, _chunkSize - _used);

    /// <summary>Records that <paramref name="count"/> bytes of <see cref="Available"/> were filled.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _chunkSize - _used);
        _used += count;
        Position += count;
    }

    /// <summary>Hands the current chunk on when it is full, so that <see cref="Available"/> is not empty.</summary>
    public ValueTask EnsureSpaceAsync(CancellationToken cancellationToken) =>
        _used == _chunkSize ? EmitAsync(cancellationToken) : ValueTask.CompletedTask;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            await EnsureSpaceAsync(cancellationToken).ConfigureAwait(false);
            var n = Math.Min(data.Length, _chunkSize - _used);
            data.Span[..n].CopyTo(_buffer.AsSpan(_used));
            Advance(n);
            data = data[n..];
        }
    }

    public async ValueTask WriteZerosAsync(int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            await EnsureSpaceAsync(cancellationToken).ConfigureAwait(false);
            var n = Math.Min(count, _chunkSize - _used);
            _buffer.AsSpan(_used, n).Clear();
            Advance(n);
            count -= n;
        }
    }

    /// <summary>Hands on the last, possibly short, chunk.</summary>
    public ValueTask CompleteAsync(CancellationToken cancellationToken) =>
        _used > 0 ? EmitAsync(cancellationToken) : ValueTask.CompletedTask;

    private async ValueTask EmitAsync(CancellationToken cancellationToken)
    {
        var full = _buffer;
        var length = _used;
        _buffer = ArrayPool<byte>.Shared.Rent(_chunkSize);
        _used = 0;
        await _onChunk(full, length, cancellationToken).ConfigureAwait(false);
    }
}
