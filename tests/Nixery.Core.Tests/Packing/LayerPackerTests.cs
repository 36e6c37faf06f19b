using System.Formats.Tar;
using System.Security.Cryptography;

namespace Nixery.Core.Tests.Packing;

public sealed class LayerPackerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Packing_the_same_tree_twice_with_different_parallelism_gives_identical_bytes()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var first = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s1")), parallelism: 1).PackStorePathsAsync([hello]);
        var second = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s2")), parallelism: 4).PackStorePathsAsync([hello]);

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.DiffId, second.DiffId);
        Assert.Equal(first.Size, second.Size);
        Assert.Equal(
            await File.ReadAllBytesAsync(PackingFixture.BlobPath(_temp.Combine("s1"), first.Digest)),
            await File.ReadAllBytesAsync(PackingFixture.BlobPath(_temp.Combine("s2"), second.Digest)));
    }

    [Fact]
    public async Task Mtimes_and_ownership_of_source_files_do_not_change_the_layer()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var before = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s1"))).PackStorePathsAsync([hello]);

        foreach (var path in Directory.EnumerateFileSystemEntries(hello, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Append(hello))
        {
            File.SetLastWriteTimeUtc(path, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
            Assert.Equal(0, PackingFixture.Run("chown", "-h", "1234:5678", path).ExitCode);
        }

        var after = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s2"))).PackStorePathsAsync([hello]);
        Assert.Equal(before.Digest, after.Digest);
        Assert.Equal(before.DiffId, after.DiffId);
    }

    [Fact]
    public async Task DiffId_is_sha256_of_the_whole_decompressed_multi_member_stream_and_digest_of_the_stored_blob()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var storeRoot = _temp.Combine("store");
        var layer = await PackingFixture.Packer(PackingFixture.Store(storeRoot)).PackStorePathsAsync([hello]);
        var blob = PackingFixture.BlobPath(storeRoot, layer.Digest);

        using var tar = PackingFixture.Decompress(blob);
        Assert.True(tar.Length > 10 * 64 * 1024, "the tar must span many 64 KiB chunks, i.e. many gzip members");
        Assert.Equal(layer.DiffId.ToString(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)));
        Assert.Equal(layer.Digest.ToString(), PackingFixture.Sha256File(blob));
        Assert.Equal(new FileInfo(blob).Length, layer.Size);
        Assert.Equal([hello], layer.Contents);
    }

    [Fact]
    public async Task Every_gzip_member_has_a_header_without_mtime_and_with_os_unknown()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var storeRoot = _temp.Combine("store");
        var layer = await PackingFixture.Packer(PackingFixture.Store(storeRoot)).PackStorePathsAsync([hello]);
        var bytes = await File.ReadAllBytesAsync(PackingFixture.BlobPath(storeRoot, layer.Digest));

        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 }, bytes[..10]);
        var members = 0;
        for (var i = 0; i + 10 <= bytes.Length; i++)
            if (bytes.AsSpan(i, 10).SequenceEqual(bytes.AsSpan(0, 10))) members++;
        Assert.True(members > 10, $"expected one member per 64 KiB chunk, found {members} headers");
    }

    [Fact]
    public async Task Tar_reads_back_sorted_with_parents_modes_links_hard_links_and_long_names()
    {
        var root = _temp.Combine("src");
        var hello = PackingFixture.CreateHello(root);
        var storeRoot = _temp.Combine("store");
        var layer = await PackingFixture.Packer(PackingFixture.Store(storeRoot)).PackStorePathsAsync([hello]);
        var entries = ReadEntries(PackingFixture.BlobPath(storeRoot, layer.Digest));
        var names = entries.Select(e => e.Name.TrimEnd('/')).ToList();
        var prefix = hello.TrimStart('/');

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Count, names.Distinct().Count());
        for (var i = 0; i < names.Count; i++)
        {
            var slash = names[i].LastIndexOf('/');
            if (slash > 0) Assert.Contains(names[i][..slash], names[..i]);
        }

        Assert.All(entries, e =>
        {
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1), e.ModificationTime);
            Assert.Equal("", ((PosixTarEntry)e.Entry).UserName);
            Assert.Equal("", ((PosixTarEntry)e.Entry).GroupName);
            Assert.False(e.Name.StartsWith('/'));
        });

        var byName = entries.ToDictionary(e => e.Name);
        Assert.Equal(TarEntryType.Directory, byName[prefix + "/"].Type);
        Assert.Equal((UnixFileMode)0b111_101_101, byName[prefix + "/bin/hello"].Mode);
        Assert.Equal((UnixFileMode)0b100_100_100, byName[prefix + "/share/doc/README"].Mode);
        Assert.Equal((UnixFileMode)0b101_101_101, byName[prefix + "/share/doc/"].Mode);
        Assert.Equal(TarEntryType.SymbolicLink, byName[prefix + "/bin/hi"].Type);
        Assert.Equal("hello", byName[prefix + "/bin/hi"].LinkName);
        Assert.Equal("/bin/sh", byName[prefix + "/bin/sh"].LinkName);
        Assert.Equal("/" + string.Join('/', Enumerable.Repeat("target", 20)), byName[prefix + "/share/far"].LinkName);
        Assert.Equal(TarEntryType.RegularFile, byName[prefix + "/bin/hello-again"].Type);
        Assert.Equal("#!/bin/sh\necho hello\n", byName[prefix + "/bin/hello-again"].Content);
        Assert.Equal("", byName[prefix + "/share/empty"].Content);
        Assert.Equal(3 * 1024 * 1024 + 17, byName[prefix + "/share/big.bin"].Length);

        var over100 = prefix + "/share/" + PackingFixture.LongComponent + "/file";
        var over255 = prefix + "/share/" + string.Join('/', Enumerable.Repeat(PackingFixture.LongComponent, 3)) + "/file";
        var split = prefix + "/share/" + PackingFixture.MediumComponent + "/" + PackingFixture.MediumComponent;
        Assert.True(over255.Length > 255);
        Assert.Equal("over 100\n", byName[over100].Content);
        Assert.Equal("over 255\n", byName[over255].Content);
        Assert.Equal("split\n", byName[split].Content);

        // PAX only where ustar cannot hold the entry, and then only path/linkpath: never times.
        Assert.Equal(TarEntryFormat.Ustar, byName[prefix + "/bin/hello"].Format);
        Assert.Equal(TarEntryFormat.Ustar, byName[split].Format);
        Assert.Equal(TarEntryFormat.Pax, byName[over255].Format);
        Assert.Equal(TarEntryFormat.Pax, byName[prefix + "/share/far"].Format);
        Assert.All(entries.Where(e => e.Format == TarEntryFormat.Pax),
            e => Assert.Subset(new HashSet<string> { "path", "linkpath", "size" }, ((PaxTarEntry)e.Entry).ExtendedAttributes.Keys.ToHashSet()));
    }

    [Fact]
    public async Task Gnu_tar_and_gzip_accept_the_layer()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var storeRoot = _temp.Combine("store");
        var layer = await PackingFixture.Packer(PackingFixture.Store(storeRoot)).PackStorePathsAsync([hello]);
        var blob = PackingFixture.BlobPath(storeRoot, layer.Digest);

        var gzip = PackingFixture.Run("gzip", "-t", blob);
        Assert.True(gzip.ExitCode == 0, gzip.Output);
        var tar = PackingFixture.Run("tar", "-tvzf", blob);
        Assert.True(tar.ExitCode == 0, tar.Output);
        Assert.DoesNotContain("warning", tar.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(hello.TrimStart('/') + "/share/" + string.Join('/', Enumerable.Repeat(PackingFixture.LongComponent, 3)) + "/file", tar.Output);
        Assert.Contains("bin/hi -> hello", tar.Output);
        Assert.Contains("-rwxr-xr-x 0/0", tar.Output);

        var extracted = _temp.Combine("x");
        Directory.CreateDirectory(extracted);
        var extract = PackingFixture.Run("tar", "-xzf", blob, "-C", extracted);
        Assert.True(extract.ExitCode == 0, extract.Output);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(hello, "share", "big.bin")),
            await File.ReadAllBytesAsync(Path.Combine(extracted, hello.TrimStart('/'), "share", "big.bin")));
    }

    [Fact]
    public async Task A_top_level_file_and_a_top_level_symlink_are_packed_with_their_parents()
    {
        var root = _temp.Combine("src");
        Directory.CreateDirectory(Path.Combine(root, "nix", "store"));
        var file = Path.Combine(root, "nix", "store", "bbbb-script.sh");
        PackingFixture.WriteFile(file, "echo hi\n", 0b101_101_101);
        var link = Path.Combine(root, "nix", "store", "cccc-link");
        File.CreateSymbolicLink(link, "bbbb-script.sh");
        var storeRoot = _temp.Combine("store");

        var layer = await PackingFixture.Packer(PackingFixture.Store(storeRoot)).PackStorePathsAsync([link, file]);
        var entries = ReadEntries(PackingFixture.BlobPath(storeRoot, layer.Digest));

        Assert.Equal([file, link], layer.Contents);
        Assert.Equal(TarEntryType.Directory, entries.Single(e => e.Name == root.TrimStart('/') + "/nix/store/").Type);
        Assert.Equal("echo hi\n", entries.Single(e => e.Name == file.TrimStart('/')).Content);
        Assert.Equal("bbbb-script.sh", entries.Single(e => e.Name == link.TrimStart('/')).LinkName);
    }

    internal sealed record ReadEntry(
        string Name, TarEntryType Type, TarEntryFormat Format, UnixFileMode Mode, int Uid, int Gid,
        DateTimeOffset ModificationTime, string LinkName, long Length, string? Content, TarEntry Entry);

    internal static List<ReadEntry> ReadEntries(string gzipPath)
    {
        using var tar = PackingFixture.Decompress(gzipPath);
        using var reader = new TarReader(tar);
        var result = new List<ReadEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            string? content = null;
            if (entry.DataStream is { } data && entry.Length < 1024 * 1024) content = new StreamReader(data).ReadToEnd();
            else if (entry.EntryType == TarEntryType.RegularFile && entry.Length == 0) content = "";
            result.Add(new ReadEntry(entry.Name, entry.EntryType, entry.Format, entry.Mode, entry.Uid, entry.Gid,
                entry.ModificationTime, entry.LinkName, entry.Length, content, entry));
        }

        return result;
    }
}
