namespace Nixery.Core.Packing;

/// <summary>
/// Compresses one chunk into one self-contained member (a gzip member, a zstd frame) whose bytes depend only on the
/// chunk; returns the chunk's buffer to <see cref="System.Buffers.ArrayPool{T}.Shared"/>.
/// </summary>
internal delegate CompressedChunk ChunkCompressor(byte[] chunk, int length);
