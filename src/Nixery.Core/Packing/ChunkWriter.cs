using System.Buffers;

namespace Nixery.Core.Packing;

/// <summary>
/// Cuts a byte stream into chunks of at most <c>chunkSize</c> bytes, so that chunk boundaries depend only on the bytes,
/// never on timing: a chunk ends when it is full or where the writer cuts it (<see cref="CutAsync"/>, at places the
/// format asks for, such as the start of a file's content in eStargz). Each chunk is handed to a callback that owns the
/// buffer from then on (it is rented from <see cref="ArrayPool{T}.Shared"/> and should be returned there).
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

    /// <summary>Chunks handed on so far: the index of the chunk that the next byte goes into.</summary>
    public int ChunksEmitted { get; private set; }

    /// <summary>Ends the current chunk here, unless it is empty, so that the next byte starts a chunk of its own.</summary>
    public ValueTask CutAsync(CancellationToken cancellationToken) =>
        _used > 0 ? EmitAsync(cancellationToken) : ValueTask.CompletedTask;

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
        ChunksEmitted++;
        await _onChunk(full, length, cancellationToken).ConfigureAwait(false);
    }
}
