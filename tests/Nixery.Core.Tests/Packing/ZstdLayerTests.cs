using Nixery.Abstractions.Oci;
using Nixery.Core.Packing;

namespace Nixery.Core.Tests.Packing;

/// <summary>zstd layers: independent frames that the real <c>zstd</c> tool reads as one stream, the same bytes every time.</summary>
public sealed class ZstdLayerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_zstd_tool_checks_every_frame_and_decompresses_the_tar_whose_sha256_is_the_diff_id()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var root = _temp.Combine("store");
        var layer = await PackingFixture.Packer(PackingFixture.Store(root), format: LayerFormat.Zstd).PackStorePathsAsync([hello]);
        var blob = PackingFixture.BlobPath(root, layer.Digest);

        Assert.Equal(MediaTypes.OciLayerZstd, layer.MediaType);
        Assert.Equal([0x28, 0xb5, 0x2f, 0xfd], (await File.ReadAllBytesAsync(blob))[..4]); // zstd's frame magic
        var (listed, frames) = PackingFixture.Run("zstd", "--list", "-v", blob);
        Assert.True(listed == 0, frames);
        Assert.Matches(@"# Zstandard Frames: *([2-9]|\d\d+)", frames); // 64 KiB chunks of a 3 MiB tree: many frames
        Assert.Contains("XXH64", frames, StringComparison.Ordinal); // each frame carries its checksum

        var tar = _temp.Combine("layer.tar");
        var (exitCode, output) = PackingFixture.Run("zstd", "-d", "-q", "-o", tar, blob);
        Assert.True(exitCode == 0, output);
        Assert.Equal(layer.DiffId.ToString(), PackingFixture.Sha256File(tar));
        Assert.Equal(layer.Digest.ToString(), PackingFixture.Sha256File(blob));
        Assert.Equal(new FileInfo(blob).Length, layer.Size);
    }

    [Fact]
    public async Task The_same_tree_gives_the_same_bytes_whatever_the_parallelism_and_is_found_again_as_zstd()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var one = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s1")), parallelism: 1, format: LayerFormat.Zstd).PackStorePathsAsync([hello]);
        var store = PackingFixture.Store(_temp.Combine("s2"));
        var four = await PackingFixture.Packer(store, parallelism: 4, format: LayerFormat.Zstd).PackStorePathsAsync([hello]);
        var gzip = await PackingFixture.Packer(store).PackStorePathsAsync([hello]);
        var again = await PackingFixture.Packer(store, format: LayerFormat.Zstd).PackStorePathsAsync([hello]);

        Assert.Equal(one.Digest, four.Digest);
        Assert.Equal(one.DiffId, gzip.DiffId); // the same tar, compressed another way
        Assert.NotEqual(one.Digest, gzip.Digest);
        Assert.Equal(MediaTypes.OciLayerGzip, gzip.MediaType);
        Assert.Equal((four.Digest, MediaTypes.OciLayerZstd), (again.Digest, again.MediaType)); // from the layer index
    }

    [Fact]
    public async Task A_higher_level_gives_a_smaller_layer_of_the_same_tar()
    {
        var source = _temp.Combine("src");
        var text = string.Join('\n', Enumerable.Range(0, 200_000).Select(i => $"line {i * 7919 % 100_003}"));
        var package = PackingFixture.CreatePackage(source, "aaaa-text", "share/text.txt");
        await File.WriteAllTextAsync(Path.Combine(package, "share", "text.txt"), text);
        var fast = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s1")), format: LayerFormat.Zstd, zstdLevel: 1).PackStorePathsAsync([package]);
        var small = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s2")), format: LayerFormat.Zstd, zstdLevel: 12).PackStorePathsAsync([package]);

        Assert.Equal(fast.DiffId, small.DiffId);
        Assert.True(small.Size < fast.Size, $"level 12: {small.Size} bytes, level 1: {fast.Size}");
    }
}
