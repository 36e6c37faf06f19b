using System.Formats.Tar;

namespace Nixery.Core.Tests.Packing;

public sealed class SymlinkLayerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<Dictionary<string, LayerPackerTests.ReadEntry>> PackAsync(params string[] topLevel)
    {
        var storeRoot = _temp.Combine("store");
        var layer = await PackingFixture.Packer(PackingFixture.Store(storeRoot)).PackSymlinkLayerAsync(topLevel);
        var entries = LayerPackerTests.ReadEntries(PackingFixture.BlobPath(storeRoot, layer.Digest));
        var names = entries.Select(e => e.Name.TrimEnd('/')).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        return entries.ToDictionary(e => e.Name.TrimEnd('/'));
    }

    [Fact]
    public async Task Overlapping_bin_directories_are_merged_and_a_directory_of_one_package_is_linked()
    {
        var src = _temp.Combine("src");
        var git = PackingFixture.CreatePackage(src, "aaaa-git", "bin/git", "share/git/x");
        var htop = PackingFixture.CreatePackage(src, "bbbb-htop", "bin/htop", "bin/git", "lib/libhtop.so");

        var e = await PackAsync(htop, git);

        Assert.Equal(TarEntryType.Directory, e["bin"].Type);
        Assert.Equal((UnixFileMode)0b111_101_101, e["bin"].Mode);
        Assert.Equal(git + "/bin/git", e["bin/git"].LinkName); // conflict: the first in store-path order wins
        Assert.Equal(htop + "/bin/htop", e["bin/htop"].LinkName);
        Assert.Equal(TarEntryType.SymbolicLink, e["share"].Type);
        Assert.Equal(git + "/share", e["share"].LinkName);
        Assert.Equal(htop + "/lib", e["lib"].LinkName);
        Assert.DoesNotContain("share/git", e.Keys);
    }

    [Fact]
    public async Task Tmp_is_a_real_directory_with_mode_1777()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");

        var e = await PackAsync(a);

        Assert.Equal(TarEntryType.Directory, e["tmp"].Type);
        Assert.Equal((UnixFileMode)0b1_111_111_111, e["tmp"].Mode);
    }

    [Fact]
    public async Task Usr_bin_env_links_to_the_merged_bin_env_when_a_package_provides_it()
    {
        var src = _temp.Combine("src");
        var coreutils = PackingFixture.CreatePackage(src, "aaaa-coreutils", "bin/env", "bin/ls");
        var bash = PackingFixture.CreatePackage(src, "bbbb-bash", "bin/bash");

        var e = await PackAsync(coreutils, bash);

        Assert.Equal(TarEntryType.Directory, e["usr"].Type);
        Assert.Equal(TarEntryType.Directory, e["usr/bin"].Type);
        Assert.Equal("/bin/env", e["usr/bin/env"].LinkName);
        Assert.Equal(coreutils + "/bin/env", e["bin/env"].LinkName);
    }

    [Fact]
    public async Task Usr_bin_env_is_absent_when_no_package_provides_bin_env()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a", "usr/share/a");

        var e = await PackAsync(a);

        Assert.DoesNotContain("usr/bin/env", e.Keys);
        Assert.DoesNotContain("usr/bin", e.Keys);
    }

    [Fact]
    public async Task A_linked_usr_is_expanded_so_that_usr_bin_env_has_real_parents()
    {
        var src = _temp.Combine("src");
        var coreutils = PackingFixture.CreatePackage(src, "aaaa-coreutils", "bin/env");
        var other = PackingFixture.CreatePackage(src, "bbbb-other", "usr/share/x", "usr/bin/y");

        var e = await PackAsync(coreutils, other);

        Assert.Equal(TarEntryType.Directory, e["usr"].Type);
        Assert.Equal(TarEntryType.Directory, e["usr/bin"].Type);
        Assert.Equal(other + "/usr/share", e["usr/share"].LinkName);
        Assert.Equal(other + "/usr/bin/y", e["usr/bin/y"].LinkName);
        Assert.Equal("/bin/env", e["usr/bin/env"].LinkName);
    }

    [Fact]
    public async Task No_link_dangles_and_top_level_files_contribute_nothing()
    {
        var src = _temp.Combine("src");
        var coreutils = PackingFixture.CreatePackage(src, "aaaa-coreutils", "bin/env", "share/man/env.1");
        var bash = PackingFixture.CreatePackage(src, "bbbb-bash", "bin/bash", "share/man/bash.1");
        var script = Path.Combine(src, "nix", "store", "cccc-script");
        PackingFixture.WriteFile(script, "echo\n", 0b101_101_101);

        var e = await PackAsync(coreutils, bash, script);

        Assert.DoesNotContain(e.Values, x => x.LinkName.Contains("cccc-script", StringComparison.Ordinal));
        foreach (var link in e.Values.Where(x => x.Type == TarEntryType.SymbolicLink))
        {
            // Links point either into the (host) store or at another merged entry of this layer.
            var target = link.LinkName.StartsWith(src, StringComparison.Ordinal) ? link.LinkName : null;
            if (target is null) Assert.Contains(link.LinkName.TrimStart('/'), e.Keys);
            else Assert.True(File.Exists(target) || Directory.Exists(target), $"{link.Name} -> {link.LinkName} dangles");
        }

        Assert.Equal(TarEntryType.Directory, e["share/man"].Type);
    }

    [Fact]
    public async Task Same_inputs_give_a_byte_identical_symlink_layer()
    {
        var src = _temp.Combine("src");
        var a = PackingFixture.CreatePackage(src, "aaaa-a", "bin/env", "lib/x");
        var b = PackingFixture.CreatePackage(src, "bbbb-b", "bin/b", "lib/y");

        var first = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s1")), parallelism: 1).PackSymlinkLayerAsync([a, b]);
        var second = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s2")), parallelism: 3).PackSymlinkLayerAsync([b, a]);

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.DiffId, second.DiffId);
    }
}
