using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Packing;

/// <summary>
/// Packs store paths (and the symlink layer) into deterministic gzip-compressed tar layers stored in an
/// <see cref="IBlobStore"/>, at most once per set of paths: a layer index (records <c>layers/&lt;key&gt;.json</c>, the key
/// being the SHA-256 of the sorted paths) finds earlier work after a restart, and concurrent requests for the same
/// key in this process share one packing.
/// </summary>
public sealed partial class LayerPacker
{
    private readonly IBlobStore _store;
    private readonly ILogger<LayerPacker> _logger;
    private readonly int _compressionLevel;
    private readonly int _chunkSize;
    private readonly int _parallelism;
    private readonly LayerFormat _format;
    private readonly int _estargzChunkSize;
    private readonly ChunkCompressor _compressor;
    private readonly ConcurrentDictionary<string, Lazy<Task<LayerDescriptor>>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Creates a packer writing into <paramref name="store"/>.</summary>
    public LayerPacker(IBlobStore store, IOptions<PackingOptions> options, ILogger<LayerPacker> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(value.CompressionLevel, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.CompressionLevel, 9, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(value.ChunkSize, 64 * 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.ChunkSize, 64 * 1024 * 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(value.MaxParallelism, nameof(options));
        _store = store;
        _logger = logger;
        _compressionLevel = value.CompressionLevel;
        _chunkSize = value.ChunkSize;
        _parallelism = value.MaxParallelism == 0 ? Environment.ProcessorCount : value.MaxParallelism;
        _format = value.Format;
        _estargzChunkSize = value.EstargzChunkSize;
        _compressor = _format == LayerFormat.Zstd ? ZstdFrames.At(value.ZstdCompressionLevel) : GzipMembers.At(_compressionLevel);
    }

    private string MediaType => _format == LayerFormat.Zstd ? MediaTypes.OciLayerZstd : MediaTypes.OciLayerGzip;

    /// <summary>
    /// What distinguishes a layer's key by format: nothing for gzip (so keys of layers packed before formats existed stay
    /// valid), the format's name otherwise, so that a layer of one format is never taken for the other.
    /// </summary>
    private string FormatPrefix => _format == LayerFormat.Gzip ? "" : _format.ToString().ToLowerInvariant() + "\n";

    /// <summary>
    /// The layer holding the given absolute paths (normally <c>/nix/store/…</c> store paths: directories, files or
    /// symlinks), their contents and their parent directories, packed unless the layer index already has it.
    /// </summary>
    /// <returns>The layer; its <see cref="LayerDescriptor.Contents"/> are the sorted paths.</returns>
    /// <remarks>
    /// Once started, a packing runs to its end so that its result serves every caller and later requests;
    /// <paramref name="cancellationToken"/> stops this caller's wait.
    /// </remarks>
    public Task<LayerDescriptor> PackStorePathsAsync(IReadOnlyList<string> storePaths, CancellationToken cancellationToken = default)
    {
        var paths = Normalize(storePaths);
        var key = Key(FormatPrefix, paths);
        return GetOrPackAsync(key, "store", paths, paths, token => TarEntries.ForPaths(paths, _logger, token), cancellationToken);
    }

    /// <summary>
    /// The symlink layer of an image whose top-level packages are <paramref name="topLevelPaths"/> and that are their own
    /// closure (see the overload with a closure), without the non-root user.
    /// </summary>
    public Task<LayerDescriptor> PackSymlinkLayerAsync(IReadOnlyList<string> topLevelPaths, CancellationToken cancellationToken = default) =>
        PackSymlinkLayerAsync(topLevelPaths, topLevelPaths, nonRoot: false, cancellationToken);

    /// <summary>
    /// The symlink layer of an image whose top-level packages are <paramref name="topLevelPaths"/>: their trees merged
    /// into <c>/</c> as symlinks into the store, plus the baseline: <c>/tmp</c> (1777), <c>/etc/passwd</c>,
    /// <c>/etc/group</c> and <c>/etc/nsswitch.conf</c> (with the <c>nonroot</c> user and its home when
    /// <paramref name="nonRoot"/>), and <c>/usr/bin/env</c> when the packages or <paramref name="closurePaths"/> have an
    /// <c>env</c> or a busybox. Built in-process, cached in the layer index like any layer (under a distinct key).
    /// </summary>
    /// <param name="topLevelPaths">The image's top-level store paths.</param>
    /// <param name="closurePaths">Their whole closure. It follows from the top-level paths, so it is not part of the layer's key.</param>
    /// <param name="nonRoot">Whether the image gets the <c>nonroot</c> user (65532), group and home.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    public Task<LayerDescriptor> PackSymlinkLayerAsync(
        IReadOnlyList<string> topLevelPaths, IReadOnlyList<string> closurePaths, bool nonRoot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(closurePaths);
        var paths = Normalize(topLevelPaths);
        // "baseline 1" names the layer's rules: raise it when the baseline changes, so that no older layer is reused.
        var key = Key(FormatPrefix + "symlinks\nbaseline 1\n" + (nonRoot ? "nonroot\n" : ""), paths);
        var contents = new[] { "symlinks for " + string.Join(", ", paths.Select(Path.GetFileName)) + (nonRoot ? " with user nonroot" : "") };
        return GetOrPackAsync(key, "symlinks", paths, contents,
            token => SymlinkTree.Build(paths, closurePaths, nonRoot, _logger, token), cancellationToken);
    }

    /// <summary>The layer index key: SHA-256 (hex) of <paramref name="prefix"/> and the sorted paths joined by newlines.</summary>
    internal static string Key(string prefix, IReadOnlyList<string> sortedPaths) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix + string.Join('\n', sortedPaths))));

    internal static string RecordName(string key) => $"layers/{key}.json";

    private static string[] Normalize(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("at least one path is needed", nameof(paths));
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (string.IsNullOrEmpty(path) || !Path.IsPathFullyQualified(path) || path.Contains('\n'))
                throw new ArgumentException($"'{path}' is not an absolute path", nameof(paths));
            var full = Path.GetFullPath(path).TrimEnd('/');
            if (full.Length == 0) throw new ArgumentException("the root directory cannot be packed", nameof(paths));
            result.Add(full);
        }

        return [.. result];
    }

    private async Task<LayerDescriptor> GetOrPackAsync(
        string key, string kind, string[] paths, IReadOnlyList<string> contents,
        Func<CancellationToken, List<TarEntry>> entries, CancellationToken cancellationToken)
    {
        Lazy<Task<LayerDescriptor>>? created = null;
        created = new Lazy<Task<LayerDescriptor>>(async () =>
        {
            try
            {
                return await Task.Run(() => FindOrPackAsync(key, kind, paths, contents, entries), CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                // Later requests find the layer in the index; a failure is not remembered.
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<LayerDescriptor>>>(key, created!));
            }
        });
        var lazy = _inFlight.GetOrAdd(key, created);
        return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<LayerDescriptor> FindOrPackAsync(
        string key, string kind, string[] paths, IReadOnlyList<string> contents, Func<CancellationToken, List<TarEntry>> entries)
    {
        // Runs to completion whoever waits for it: a finished layer is worth keeping.
        var cancellationToken = CancellationToken.None;
        if (await FindAsync(key, cancellationToken).ConfigureAwait(false) is { } found)
        {
            NixeryDiagnostics.LayersReused.Add(1, new KeyValuePair<string, object?>("nixery.layer.kind", kind));
            LogReused(key, found.Digest, kind);
            return found;
        }

        using var activity = NixeryDiagnostics.ActivitySource.StartActivity("pack layer");
        activity?.SetTag("nixery.layer.key", key);
        activity?.SetTag("nixery.layer.kind", kind);
        activity?.SetTag("nixery.layer.paths", paths.Length);
        var stopwatch = Stopwatch.StartNew();

        PackResult result;
        BlobInfo blob;
        await using (var writer = await _store.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            result = await ParallelCompressionPipeline.RunAsync(
                async (chunks, members, token) =>
                {
                    if (_format == LayerFormat.Estargz)
                    {
                        await EstargzLayer.WriteAsync(entries(token), chunks, members, _estargzChunkSize, token).ConfigureAwait(false);
                        return;
                    }
                    var tar = new DeterministicTarWriter(chunks);
                    foreach (var entry in entries(token)) await tar.WriteEntryAsync(entry, token).ConfigureAwait(false);
                    await tar.FinishAsync(token).ConfigureAwait(false);
                },
                _compressor, writer.Content, ChunkSizeFor(_format), _parallelism, cancellationToken).ConfigureAwait(false);
            await writer.Content.FlushAsync(cancellationToken).ConfigureAwait(false);
            blob = await writer.CommitAsync(result.Digest, cancellationToken).ConfigureAwait(false);
        }

        var layer = new LayerDescriptor(result.Digest, result.DiffId, blob.Size, contents, result.Annotations, MediaType);
        var record = new LayerRecord(layer.Digest.ToString(), layer.DiffId.ToString(), layer.Size, paths, contents, result.Annotations);
        await _store.WriteRecordAsync(
            RecordName(key), JsonSerializer.SerializeToUtf8Bytes(record, LayerRecordJsonContext.Default.LayerRecord), cancellationToken)
            .ConfigureAwait(false);

        var tags = new KeyValuePair<string, object?>("nixery.layer.kind", kind);
        NixeryDiagnostics.LayersPacked.Add(1, tags);
        NixeryDiagnostics.BytesPacked.Add(layer.Size, tags);
        activity?.SetTag("nixery.layer.digest", layer.Digest.ToString());
        activity?.SetTag("nixery.layer.size", layer.Size);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        LogPacked(kind, layer.Digest, result.UncompressedSize, layer.Size, seconds, result.UncompressedSize / 1e6 / Math.Max(seconds, 1e-9), key);
        return layer;
    }

    private async Task<LayerDescriptor?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await _store.ReadRecordAsync(RecordName(key), cancellationToken).ConfigureAwait(false);
        if (bytes is null) return null;
        LayerRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(bytes, LayerRecordJsonContext.Default.LayerRecord);
        }
        catch (JsonException e)
        {
            LogUnreadableRecord(e, key);
            return null;
        }

        if (record is null || !Digest.TryParse(record.Digest, out var digest) || !Digest.TryParse(record.DiffId, out var diffId))
        {
            LogUnreadableRecord(null, key);
            return null;
        }

        var blob = await _store.StatAsync(digest, cancellationToken).ConfigureAwait(false);
        if (blob is null || blob.Size != record.Size)
        {
            LogBlobMissing(key, digest);
            return null;
        }

        // A key names its format, so the record's layer has this packer's media type.
        return new LayerDescriptor(digest, diffId, record.Size, record.Contents, record.Annotations, MediaType);
    }

    /// <summary>
    /// The pipeline's chunk size: the configured one for gzip; for eStargz a chunk of a file plus room for the tar headers
    /// around it, so that members end where the format cuts them rather than in the middle of a file's chunk.
    /// </summary>
    private int ChunkSizeFor(LayerFormat format) => format == LayerFormat.Estargz ? _estargzChunkSize + 1024 * 1024 : _chunkSize;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Packed {Kind} layer {Digest}: {UncompressedBytes} bytes of tar into {CompressedBytes} in {Seconds:F2} s ({MegabytesPerSecond:F1} MB/s), key {LayerKey}")]
    private partial void LogPacked(string kind, Digest digest, long uncompressedBytes, long compressedBytes, double seconds, double megabytesPerSecond, string layerKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reused {Kind} layer {Digest} for key {LayerKey}")]
    private partial void LogReused(string layerKey, Digest digest, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Layer index record for key {LayerKey} is unreadable; packing again")]
    private partial void LogUnreadableRecord(Exception? exception, string layerKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Layer index record for key {LayerKey} names blob {Digest}, which is gone; packing again")]
    private partial void LogBlobMissing(string layerKey, Digest digest);
}
