using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Core.Packing;
using Nixery.Core.Storage;

namespace Nixery.Benchmarks.Packing;

/// <summary>One packing of the input with given options, printing size and throughput: quick tuning, not a benchmark.</summary>
public static class PackingProbe
{
    public static async Task RunAsync(string[] args)
    {
        var level = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 6;
        var chunkKiB = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1024;
        var root = Directory.CreateTempSubdirectory("nixery-probe-");
        try
        {
            var store = new BlobStore(new FileSystemStorage(Options.Create(new FileSystemStorageOptions { Path = root.FullName, FlushToDisk = Environment.GetEnvironmentVariable("PROBE_FSYNC") != "0" }), NullLogger<FileSystemStorage>.Instance));
            var packer = new LayerPacker(store, Options.Create(new PackingOptions { CompressionLevel = level, ChunkSize = chunkKiB * 1024 }), NullLogger<LayerPacker>.Instance);
            var input = PackingInput.ContentBytes();
            var stopwatch = Stopwatch.StartNew();
            var layer = await packer.PackStorePathsAsync([PackingInput.Directory]);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            Console.WriteLine($"level {level} chunk {chunkKiB} KiB: {layer.Size:N0} bytes, {seconds:F2} s, {input / 1e6 / seconds:F1} MB/s");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
