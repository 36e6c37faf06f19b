using System.ComponentModel.DataAnnotations;

namespace Nixery.Core.Packing;

/// <summary>Settings of <see cref="LayerPacker"/>. The defaults are measured ones (see docs/benchmarks.md).</summary>
public sealed class PackingOptions
{
    /// <summary>
    /// zlib compression level, 1 (fastest) to 9 (smallest), as in <c>gzip -N</c>; .NET compresses with zlib-ng.
    /// 5 is the fastest level whose output stays within 3 % of <c>gzip -6</c> (measured on the .NET SDK tree: +2.5 %);
    /// 6 is ~20 % slower and ~0.2 % smaller; 4 is already +3.9 %.
    /// Changing it changes the bytes (and digests) of newly packed layers, not the validity of stored ones.
    /// </summary>
    [Range(1, 9)]
    public int CompressionLevel { get; set; } = 5;

    /// <summary>
    /// Size of the uncompressed pieces compressed independently and in parallel, each into its own gzip member.
    /// Part of what determines a layer's bytes: keep it fixed across instances that share a store.
    /// Larger chunks compress a little better; smaller ones use less memory.
    /// </summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int ChunkSize { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// How layers are written: <see cref="LayerFormat.Gzip"/> (fixed-size gzip members), <see cref="LayerFormat.Estargz"/>
    /// (a gzip member per file and chunk, with a table of contents, for partial pulls) or <see cref="LayerFormat.Zstd"/>
    /// (zstd frames, for registries whose clients all read zstd). Changing it changes the bytes (and
    /// digests) of newly packed layers; layers packed in the other format stay valid and are packed again on demand.
    /// </summary>
    public LayerFormat Format { get; set; } = LayerFormat.Gzip;

    /// <summary>
    /// zstd level for <see cref="LayerFormat.Zstd"/> layers, 1 (fastest) to 19, as in <c>zstd -N</c>; 3 is zstd's own
    /// default. Changing it changes the bytes (and digests) of newly packed layers.
    /// </summary>
    [Range(1, 19)]
    public int ZstdCompressionLevel { get; set; } = 3;

    /// <summary>In eStargz layers, the size of the chunks a large file is cut into (each its own gzip member; default 4 MiB).</summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int EstargzChunkSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>How many chunks are compressed at once; 0 means one per processor. Does not change the output.</summary>
    [Range(0, 256)]
    public int MaxParallelism { get; set; }
}
