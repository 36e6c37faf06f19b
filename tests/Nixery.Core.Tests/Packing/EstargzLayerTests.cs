using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Storage;
using Nixery.Core.Packing;

namespace Nixery.Core.Tests.Packing;

/// <summary>
/// eStargz layers read back as the specification (containerd/stargz-snapshotter docs/estargz.md) says a reader may:
/// footer, then table of contents, then each file or chunk by itself from its offset; and as a plain tar.gz.
/// </summary>
public sealed class EstargzLayerTests : IDisposable
{
    private const int ChunkSize = 1024 * 1024; // the 3 MiB file of the fixture becomes four chunks

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(LayerDescriptor Layer, byte[] Blob, string Source)> PackAsync(string store = "store", int parallelism = 2)
    {
        var hello = Directory.Exists(_temp.Combine("src")) ? _temp.Combine("src", "nix", "store", "aaaa-hello") : PackingFixture.CreateHello(_temp.Combine("src"));
        var root = _temp.Combine(store);
        var layer = await PackingFixture.Packer(PackingFixture.Store(root), parallelism, format: LayerFormat.Estargz, estargzChunkSize: ChunkSize)
            .PackStorePathsAsync([hello]);
        return (layer, await File.ReadAllBytesAsync(PackingFixture.BlobPath(root, layer.Digest)), hello);
    }

    [Fact]
    public async Task The_footer_points_at_a_toc_member_whose_digest_and_size_are_the_layers_annotations()
    {
        var (layer, blob, _) = await PackAsync();

        var footer = blob.AsSpan(blob.Length - EstargzLayer.FooterSize);
        Assert.Equal([0x1f, 0x8b, 8, 4], footer[..4].ToArray());
        Assert.Equal("STARGZ", Encoding.ASCII.GetString(footer.Slice(32, 6)));
        var tocOffset = long.Parse(Encoding.ASCII.GetString(footer.Slice(16, 16)), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        using var gunzip = new GZipStream(new MemoryStream(blob, (int)tocOffset, blob.Length - (int)tocOffset), CompressionMode.Decompress);
        using var tar = new TarReader(gunzip);
        var entry = tar.GetNextEntry()!;
        Assert.Equal("stargz.index.json", entry.Name);
        using var toc = new MemoryStream();
        entry.DataStream!.CopyTo(toc);
        Assert.Null(tar.GetNextEntry()); // the end-of-archive blocks follow the TOC in its member

        Assert.NotNull(layer.Annotations);
        Assert.Equal(Digest.Of(toc.ToArray()).ToString(), layer.Annotations[EstargzLayer.TocDigestAnnotation]);
        var plain = Gunzip(blob);
        Assert.Equal(plain.Length.ToString(CultureInfo.InvariantCulture), layer.Annotations[EstargzLayer.UncompressedSizeAnnotation]);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(plain)), layer.DiffId.ToString());
    }

    [Fact]
    public async Task Every_file_and_chunk_decompresses_alone_from_its_offset_and_matches_its_digests()
    {
        var (_, blob, source) = await PackAsync();
        var entries = Toc(blob).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(".no.prefetch.landmark", entries[0].GetProperty("name").GetString());

        var withContent = entries.Where(e => e.TryGetProperty("offset", out _)).ToList();
        Assert.Contains(withContent, e => e.GetProperty("type").GetString() == "chunk");
        foreach (var entry in withContent)
        {
            var name = entry.GetProperty("name").GetString()!;
            var type = entry.GetProperty("type").GetString();
            var offset = entry.GetProperty("offset").GetInt64();
            var chunkOffset = entry.TryGetProperty("chunkOffset", out var co) ? co.GetInt64() : 0;
            var file = name == ".no.prefetch.landmark" ? [0x0f] : await File.ReadAllBytesAsync("/" + name);
            var chunkSize = entry.GetProperty("chunkSize").GetInt64();
            var expected = file.AsSpan((int)chunkOffset, (int)(chunkSize == 0 ? file.Length - chunkOffset : chunkSize)).ToArray();

            // One gzip member from the offset: a reader that knows only the TOC gets exactly this chunk first.
            var member = FirstMember(blob, offset);
            Assert.Equal(expected, member.AsSpan(0, expected.Length).ToArray());
            Assert.Equal(Digest.Of(expected).ToString(), entry.GetProperty("chunkDigest").GetString());
            if (type == "reg") Assert.Equal(Digest.Of(file).ToString(), entry.GetProperty("digest").GetString());
        }
    }

    [Fact]
    public async Task The_toc_lists_every_tar_entry_in_order_with_the_tar_s_metadata()
    {
        var (_, blob, _) = await PackAsync();
        var tocNames = Toc(blob).GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() != "chunk").Select(e => e.GetProperty("name").GetString()).ToList();
        using var tar = new TarReader(new MemoryStream(Gunzip(blob)));
        var tarEntries = new List<System.Formats.Tar.TarEntry>();
        while (tar.GetNextEntry() is { } entry) tarEntries.Add(entry);

        Assert.Equal(tarEntries.Select(e => e.Name).SkipLast(1), tocNames);
        Assert.Equal("stargz.index.json", tarEntries[^1].Name);
        var toc = Toc(blob).GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("type").GetString() != "chunk").ToList();
        foreach (var (entry, listed) in tarEntries.Zip(toc))
        {
            Assert.Equal((int)entry.Mode, listed.GetProperty("mode").GetInt32());
            if (entry.EntryType == TarEntryType.SymbolicLink) Assert.Equal(entry.LinkName, listed.GetProperty("linkName").GetString());
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.Length > 0)
                Assert.Equal(entry.Length, listed.GetProperty("size").GetInt64());
        }
    }

    [Fact]
    public async Task The_same_tree_gives_the_same_bytes_whatever_the_parallelism_and_another_layer_than_gzip()
    {
        var (one, blobOne, source) = await PackAsync("s1", parallelism: 1);
        var (four, blobFour, _) = await PackAsync("s2", parallelism: 4);
        var gzip = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s3"))).PackStorePathsAsync([source]);

        Assert.Equal(one.Digest, four.Digest);
        Assert.Equal(blobOne, blobFour);
        Assert.NotEqual(gzip.Digest, one.Digest);
        Assert.Null(gzip.Annotations);
    }

    [Fact]
    public async Task A_store_holding_both_formats_keeps_them_apart_in_the_layer_index()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var store = PackingFixture.Store(_temp.Combine("shared"));
        var estargz = await PackingFixture.Packer(store, format: LayerFormat.Estargz).PackStorePathsAsync([hello]);
        var gzip = await PackingFixture.Packer(store).PackStorePathsAsync([hello]);
        var again = await PackingFixture.Packer(store, format: LayerFormat.Estargz).PackStorePathsAsync([hello]);

        Assert.NotEqual(estargz.Digest, gzip.Digest);
        Assert.Equal((estargz.Digest, estargz.DiffId, estargz.Size), (again.Digest, again.DiffId, again.Size));
        Assert.Equal(estargz.Annotations, again.Annotations); // found in the index, annotations included
    }

    [Fact]
    public async Task The_non_root_home_is_owned_by_65532_in_the_tar_header_and_the_table_of_contents()
    {
        var root = _temp.Path;
        var a = PackingFixture.CreatePackage(Path.Combine(root, "src"), "aaaa-a", "bin/a");
        var store = Path.Combine(root, "store");

        var layer = await PackingFixture.Packer(PackingFixture.Store(store), format: LayerFormat.Estargz).PackSymlinkLayerAsync([a], [a], nonRoot: true);
        var blob = await File.ReadAllBytesAsync(PackingFixture.BlobPath(store, layer.Digest));

        using var tar = new TarReader(new MemoryStream(Gunzip(blob)));
        var entries = new List<System.Formats.Tar.TarEntry>();
        while (tar.GetNextEntry() is { } entry) entries.Add(entry);
        var home = Assert.Single(entries, e => e.Name == "home/nonroot/");
        Assert.Equal((65532, 65532), (home.Uid, home.Gid));
        Assert.Equal((0, 0), (entries.Single(e => e.Name == "tmp/").Uid, entries.Single(e => e.Name == "etc/passwd").Gid));
        var toc = Toc(blob).GetProperty("entries").EnumerateArray().ToList();
        var tocHome = toc.Single(e => e.GetProperty("name").GetString() == "home/nonroot/");
        Assert.Equal((65532, 65532), (tocHome.GetProperty("uid").GetInt32(), tocHome.GetProperty("gid").GetInt32()));
        Assert.Equal(0, toc.Single(e => e.GetProperty("name").GetString() == "tmp/").GetProperty("uid").GetInt32());
    }

    private static JsonElement Toc(byte[] blob)
    {
        var tocOffset = long.Parse(Encoding.ASCII.GetString(blob, blob.Length - EstargzLayer.FooterSize + 16, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        using var tar = new TarReader(new MemoryStream(FirstMember(blob, tocOffset)));
        var entry = tar.GetNextEntry()!;
        return JsonDocument.Parse(entry.DataStream!).RootElement.Clone();
    }

    private static byte[] Gunzip(byte[] blob)
    {
        using var output = new MemoryStream();
        using (var gunzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress)) gunzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>
    /// The decompressed bytes of the one gzip member at <paramref name="offset"/>: its 10-byte header (no optional fields
    /// in our members), then raw deflate, which ends at its final block whatever follows.
    /// </summary>
    private static byte[] FirstMember(byte[] blob, long offset)
    {
        Assert.Equal([0x1f, 0x8b, 8, 0], blob.AsSpan((int)offset, 4).ToArray());
        using var deflate = new DeflateStream(new MemoryStream(blob, (int)offset + 10, blob.Length - (int)offset - 10), CompressionMode.Decompress);
        using var output = new MemoryStream();
        deflate.CopyTo(output);
        return output.ToArray();
    }
}
