using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Core.Packing;
using Nixery.Core.Storage;

namespace Nixery.Benchmarks.Packing;

/// <summary>
/// Packing throughput over one real tree (<see cref="PackingInput.Directory"/>): our packer into a filesystem blob
/// store, side by side with <c>tar | gzip -6 | sha256sum</c> and <c>tar | pigz -p2 -6 | sha256sum</c>. Every variant
/// stores its compressed output in a file (the baselines through <c>tee</c>) so that sizes can be compared; ours also
/// hashes the uncompressed tar and fsyncs the blob, the baselines do neither.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[Config(typeof(PackingColumns.Config))]
public class PackingBenchmarks
{
    private string _work = "";

    [GlobalSetup]
    public void Setup() => _work = Directory.CreateTempSubdirectory("nixery-bench-").FullName;

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_work, recursive: true);

    [IterationCleanup]
    public void IterationCleanup()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(_work))
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    /// <summary>Our packer with its defaults (level 5, 2 MiB chunks, all cores, fsync on commit).</summary>
    [Benchmark(Description = "Nixery packer (level 5, default)")]
    public Task<long> NixeryLevel5() => PackAsync(nameof(NixeryLevel5), new PackingOptions());

    /// <summary>Our packer at level 6, the same zlib level as the baselines.</summary>
    [Benchmark(Description = "Nixery packer (level 6)")]
    public Task<long> NixeryLevel6() => PackAsync(nameof(NixeryLevel6), new PackingOptions { CompressionLevel = 6 });

    /// <summary>Our packer writing eStargz (a gzip member per file and 4 MiB chunk, a TOC and a footer), level 5.</summary>
    [Benchmark(Description = "Nixery packer (eStargz, level 5)")]
    public Task<long> NixeryEstargz() => PackAsync(nameof(NixeryEstargz), new PackingOptions { Format = LayerFormat.Estargz });

    /// <summary>Our packer writing zstd frames (2 MiB chunks), at zstd's default level 3.</summary>
    [Benchmark(Description = "Nixery packer (zstd, level 3)")]
    public Task<long> NixeryZstd() => PackAsync(nameof(NixeryZstd), new PackingOptions { Format = LayerFormat.Zstd });

    [Benchmark(Description = "tar | zstd -T2 -3 | sha256sum")]
    public long TarZstd() => Shell(nameof(TarZstd), "zstd -q -T2 -3");

    [Benchmark(Baseline = true, Description = "tar | pigz -p2 -6 | sha256sum")]
    public long TarPigz() => Shell(nameof(TarPigz), "pigz -p2 -6");

    [Benchmark(Description = "tar | gzip -6 | sha256sum")]
    public long TarGzip() => Shell(nameof(TarGzip), "gzip -6");

    private async Task<long> PackAsync(string name, PackingOptions options)
    {
        var store = new BlobStore(new FileSystemStorage(
            Options.Create(new FileSystemStorageOptions { Path = Path.Combine(_work, Guid.NewGuid().ToString("N")) }),
            NullLogger<FileSystemStorage>.Instance));
        var packer = new LayerPacker(store, Options.Create(options), NullLogger<LayerPacker>.Instance);
        var layer = await packer.PackStorePathsAsync([PackingInput.Directory]);
        PackingInput.RecordCompressedSize(name, layer.Size);
        return layer.Size;
    }

    private long Shell(string name, string compressor)
    {
        var input = PackingInput.Directory.TrimEnd('/');
        var output = Path.Combine(_work, name + ".tar.gz");
        var script = $"set -e; tar -cf - -C '{Path.GetDirectoryName(input)}' '{Path.GetFileName(input)}' | {compressor} | tee '{output}' | sha256sum >/dev/null";
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"'{script}' failed ({process.ExitCode}): {errors}");
        var size = new FileInfo(output).Length;
        PackingInput.RecordCompressedSize(name, size);
        return size;
    }
}
