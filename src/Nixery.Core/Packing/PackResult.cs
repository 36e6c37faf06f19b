using Nixery.Abstractions.Storage;

namespace Nixery.Core.Packing;

/// <summary>What one pass of <see cref="ParallelGzipPipeline"/> produced.</summary>
internal readonly record struct PackResult(Digest DiffId, Digest Digest, long UncompressedSize, long CompressedSize);
