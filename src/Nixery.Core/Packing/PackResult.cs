using Nixery.Abstractions.Storage;

namespace Nixery.Core.Packing;

/// <summary>What one pass of <see cref="ParallelCompressionPipeline"/> produced.</summary>
internal readonly record struct PackResult(
    Digest DiffId, Digest Digest, long UncompressedSize, long CompressedSize, IReadOnlyDictionary<string, string>? Annotations = null);
