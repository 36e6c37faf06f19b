using System.Buffers;
using ZstdSharp;

namespace Nixery.Core.Packing;

/// <summary>
/// zstd frames, one per chunk, each recording its content size and a checksum; the same chunk at the same level always
/// gives the same bytes. Concatenated frames are one zstd stream (RFC 8878 §3.1).
/// </summary>
internal static class ZstdFrames
{
    /// <summary>A compressor of chunks into zstd frames at <paramref name="level"/>.</summary>
    public static ChunkCompressor At(int level) => (chunk, length) => Compress(chunk, length, level);

    // A context per thread and level: contexts are not thread-safe and cost megabytes to set up at higher levels, and
    // each frame starts a new session (ZSTD_compress2 resets it), so reuse changes no byte of the output.
    [ThreadStatic]
    private static (Compressor Compressor, int Level)? t_context;

    /// <summary>Compresses one chunk into one frame; returns the input buffer to the pool.</summary>
    internal static CompressedChunk Compress(byte[] chunk, int length, int level)
    {
        var output = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(length));
        var written = ContextFor(level).Wrap(chunk.AsSpan(0, length), output);
        ArrayPool<byte>.Shared.Return(chunk);
        return new CompressedChunk(output, written);
    }

    private static Compressor ContextFor(int level)
    {
        if (t_context is { } context && context.Level == level) return context.Compressor;
        t_context?.Compressor.Dispose();
        var compressor = new Compressor(level);
        compressor.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        t_context = (compressor, level);
        return compressor;
    }
}
