using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Core.Packing;
using Nixery.Core.Storage;

namespace Nixery.Core.Tests.Packing;

/// <summary>Builds fake store paths in a temp directory and packers over fresh filesystem stores.</summary>
internal static class PackingFixture
{
    /// <summary>A name component of 120 characters: with its parents, a path longer than 100 and then 255 bytes.</summary>
    public static readonly string LongComponent = new('l', 120);

    /// <summary>60 characters: two of them make a name over 100 bytes that ustar still holds by splitting off a prefix.</summary>
    public static readonly string MediumComponent = new('m', 60);

    /// <summary>
    /// A store path <c>&lt;root&gt;/nix/store/aaaa-hello</c> with an executable, a read-only file, a 3 MiB file (spanning
    /// several 64 KiB chunks), an empty file, a hard link, relative and absolute symlinks, a long symlink target and
    /// names longer than 100 and 255 bytes.
    /// </summary>
    public static string CreateHello(string root)
    {
        var store = Path.Combine(root, "nix", "store", "aaaa-hello");
        Directory.CreateDirectory(Path.Combine(store, "bin"));
        Directory.CreateDirectory(Path.Combine(store, "share", "doc"));
        WriteFile(Path.Combine(store, "bin", "hello"), "#!/bin/sh\necho hello\n", 0b111_101_101);
        WriteFile(Path.Combine(store, "share", "doc", "README"), "read me\n", 0b100_100_100);
        WriteFile(Path.Combine(store, "share", "empty"), "", 0b110_100_100);
        var big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(big.AsSpan(0, big.Length / 2)); // half random, half zeros: compressible and not
        File.WriteAllBytes(Path.Combine(store, "share", "big.bin"), big);
        File.CreateSymbolicLink(Path.Combine(store, "bin", "hi"), "hello");
        File.CreateSymbolicLink(Path.Combine(store, "bin", "sh"), "/bin/sh");
        File.CreateSymbolicLink(Path.Combine(store, "share", "far"), "/" + string.Join('/', Enumerable.Repeat("target", 20)));
        HardLink(Path.Combine(store, "bin", "hello"), Path.Combine(store, "bin", "hello-again"));
        var deep = Path.Combine(store, "share", LongComponent);
        Directory.CreateDirectory(deep);
        WriteFile(Path.Combine(deep, "file"), "over 100\n", 0b110_100_100);
        Directory.CreateDirectory(Path.Combine(deep, LongComponent, LongComponent));
        WriteFile(Path.Combine(deep, LongComponent, LongComponent, "file"), "over 255\n", 0b110_100_100);
        Directory.CreateDirectory(Path.Combine(store, "share", MediumComponent));
        WriteFile(Path.Combine(store, "share", MediumComponent, MediumComponent), "split\n", 0b110_100_100);
        File.SetUnixFileMode(Path.Combine(store, "share", "doc"), (UnixFileMode)0b101_101_101);
        return store;
    }

    public static string CreatePackage(string root, string name, params string[] files)
    {
        var store = Path.Combine(root, "nix", "store", name);
        Directory.CreateDirectory(store);
        foreach (var file in files)
        {
            var path = Path.Combine(store, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WriteFile(path, name + ":" + file + "\n", 0b111_101_101);
        }

        return store;
    }

    public static void WriteFile(string path, string content, int mode)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    public static void HardLink(string existing, string link)
    {
        using var process = System.Diagnostics.Process.Start("ln", [existing, link]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    public static FileSystemStorage Storage(string path) =>
        new(Options.Create(new FileSystemStorageOptions { Path = path, FlushToDisk = false }), NullLogger<FileSystemStorage>.Instance);

    /// <summary>The engine's blob store over a file-system backend at <paramref name="path"/>.</summary>
    public static BlobStore Store(string path) => new(Storage(path));

    public static LayerPacker Packer(
        Abstractions.Storage.IBlobStore store, int parallelism = 2, int chunkSize = 64 * 1024, LayerFormat format = LayerFormat.Gzip,
        int estargzChunkSize = 4 * 1024 * 1024, int zstdLevel = 3) =>
        new(store, Options.Create(new PackingOptions
            {
                ChunkSize = chunkSize, MaxParallelism = parallelism, Format = format, EstargzChunkSize = estargzChunkSize, ZstdCompressionLevel = zstdLevel,
            }),
            NullLogger<LayerPacker>.Instance);

    public static string BlobPath(string storeRoot, Abstractions.Storage.Digest digest) =>
        Path.Combine(storeRoot, "blobs", "sha256", digest.Hex);

    public static string Sha256File(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static MemoryStream Decompress(string gzipPath)
    {
        var result = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(gzipPath), System.IO.Compression.CompressionMode.Decompress))
            gzip.CopyTo(result);
        result.Position = 0;
        return result;
    }

    public static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{file}' is needed by this test and could not be started: {e.Message}", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
    }
}
