using System.Buffers;
using System.IO.Compression;

namespace Nixery.Core.Packing;

/// <summary>
/// Gzip members with a header that is the same on every platform (MTIME 0, XFL 0, OS 255, "unknown"; zlib writes the
/// CRC-32 and ISIZE), so that the same chunk always gives the same bytes. .NET compresses with zlib-ng.
/// </summary>
internal static class GzipMembers
{
    /// <summary>The operating-system byte of every member header: 255, "unknown" (RFC 1952).</summary>
    public const byte OsUnknown = 255;

    /// <summary>A compressor of chunks into gzip members at zlib <paramref name="level"/> (1 to 9).</summary>
    public static ChunkCompressor At(int level) => (chunk, length) => Compress(chunk, length, level);

    /// <summary>Compresses one chunk into one gzip member; returns the input buffer to the pool.</summary>
    internal static CompressedChunk Compress(byte[] chunk, int length, int level)
    {
        // Deflate never expands by more than 5 bytes per 16 KiB stored block; header and trailer take 18 bytes.
        var output = ArrayPool<byte>.Shared.Rent(length + length / 8 + 1024);
        int written;
        using (var memory = new MemoryStream(output, 0, output.Length, writable: true, publiclyVisible: true))
        {
            var options = new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = ZLibCompressionStrategy.Default };
            using (var gzip = new GZipStream(memory, options, leaveOpen: true))
                gzip.Write(chunk, 0, length);
            written = (int)memory.Position;
        }

        ArrayPool<byte>.Shared.Return(chunk);
        // Header: ID1 ID2 CM FLG MTIME(4) XFL OS. zlib writes FLG 0 and MTIME 0, but XFL by level and OS by platform.
        if (output[0] != 0x1f || output[1] != 0x8b || output[3] != 0)
            throw new InvalidOperationException("zlib wrote an unexpected gzip header");
        output.AsSpan(4, 5).Clear();
        output[9] = OsUnknown;
        return new CompressedChunk(output, written);
    }
}
