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
    public async Task Usr_bin_env_is_absent_when_neither_the_packages_nor_their_closure_have_env_or_busybox()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a", "usr/share/a");

        var e = await PackAsync(a);

        Assert.DoesNotContain("usr/bin/env", e.Keys);
        Assert.DoesNotContain("usr/bin", e.Keys);
    }

    [Fact]
    public async Task Usr_bin_env_links_to_an_env_of_the_closure_before_a_busybox_when_no_top_level_package_has_one()
    {
        var src = _temp.Combine("src");
        var app = PackingFixture.CreatePackage(src, "dddd-app", "bin/app");
        var busybox = PackingFixture.CreatePackage(src, "aaaa-busybox", "bin/busybox");
        var coreutils = PackingFixture.CreatePackage(src, "cccc-coreutils", "bin/env");

        var withEnv = await PackWithClosureAsync([app], [app, busybox, coreutils]);
        var withBusybox = await PackWithClosureAsync([app], [app, busybox]);

        Assert.Equal(coreutils + "/bin/env", withEnv["usr/bin/env"].LinkName);
        Assert.Equal(busybox + "/bin/busybox", withBusybox["usr/bin/env"].LinkName); // busybox runs the applet its link is named after
        Assert.Equal(TarEntryType.Directory, withBusybox["usr/bin"].Type);
    }

    [Fact]
    public async Task Every_image_gets_passwd_group_and_nsswitch_conf_with_root_and_nobody_owned_by_root_and_readable_by_all()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");

        var e = await PackAsync(a);

        Assert.Equal("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n", e["etc/passwd"].Content);
        Assert.Equal("root:x:0:\nnobody:x:65534:\n", e["etc/group"].Content);
        Assert.Contains("passwd: files\n", e["etc/nsswitch.conf"].Content);
        Assert.Contains("hosts: files dns\n", e["etc/nsswitch.conf"].Content);
        foreach (var name in new[] { "etc/passwd", "etc/group", "etc/nsswitch.conf" })
        {
            Assert.Equal(TarEntryType.RegularFile, e[name].Type);
            Assert.Equal((UnixFileMode)0b110_100_100, e[name].Mode);
            Assert.Equal((0, 0), (e[name].Uid, e[name].Gid));
        }
        Assert.Equal(TarEntryType.Directory, e["etc"].Type);
        Assert.Equal((UnixFileMode)0b111_000_000, e["root"].Mode);
        Assert.Equal((0, 0, (UnixFileMode)0b1_111_111_111), (e["tmp"].Uid, e["tmp"].Gid, e["tmp"].Mode));
        Assert.DoesNotContain("home", e.Keys);
        Assert.All(e.Values, x => Assert.Equal((0, 0), (x.Uid, x.Gid)));
    }

    [Fact]
    public async Task A_non_root_image_gets_the_nonroot_user_and_group_and_a_home_it_owns()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");

        var e = await PackWithClosureAsync([a], [a], nonRoot: true);

        Assert.EndsWith("\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n", e["etc/passwd"].Content);
        Assert.StartsWith("root:x:0:0:", e["etc/passwd"].Content);
        Assert.Equal("root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n", e["etc/group"].Content);
        Assert.Equal((TarEntryType.Directory, 0, 0), (e["home"].Type, e["home"].Uid, e["home"].Gid));
        var home = e["home/nonroot"];
        Assert.Equal((TarEntryType.Directory, 65532, 65532, (UnixFileMode)0b111_101_101), (home.Type, home.Uid, home.Gid, home.Mode));
        Assert.Equal((UnixFileMode)0b1_111_111_111, e["tmp"].Mode);
    }

    [Fact]
    public async Task Packages_etc_files_stay_beside_the_baseline_and_a_package_s_own_passwd_wins()
    {
        var src = _temp.Combine("src");
        var cacert = PackingFixture.CreatePackage(src, "aaaa-cacert", "etc/ssl/certs/ca-bundle.crt");
        var users = PackingFixture.CreatePackage(src, "bbbb-users", "bin/u");
        Directory.CreateDirectory(Path.Combine(users, "share"));

        var linkedEtc = await PackAsync(cacert, users);

        // cacert alone has etc/: the link to its etc is expanded into a real directory of links.
        Assert.Equal(TarEntryType.Directory, linkedEtc["etc"].Type);
        Assert.Equal(cacert + "/etc/ssl", linkedEtc["etc/ssl"].LinkName);
        Assert.Equal(TarEntryType.RegularFile, linkedEtc["etc/passwd"].Type);

        var fakeNss = PackingFixture.CreatePackage(src, "0000-fake-nss", "etc/passwd", "etc/protocols");
        var own = await PackAsync(cacert, fakeNss);

        Assert.Equal(fakeNss + "/etc/passwd", own["etc/passwd"].LinkName);
        Assert.Equal(fakeNss + "/etc/protocols", own["etc/protocols"].LinkName);
        Assert.Equal(cacert + "/etc/ssl", own["etc/ssl"].LinkName);
        Assert.Equal(TarEntryType.RegularFile, own["etc/group"].Type);
    }

    [Fact]
    public async Task Root_and_non_root_symlink_layers_of_the_same_packages_differ_and_each_is_reproducible()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");
        var store = PackingFixture.Store(_temp.Combine("s1"));

        var root = await PackingFixture.Packer(store).PackSymlinkLayerAsync([a], [a], nonRoot: false);
        var nonRoot = await PackingFixture.Packer(store).PackSymlinkLayerAsync([a], [a], nonRoot: true);
        var nonRootElsewhere = await PackingFixture.Packer(PackingFixture.Store(_temp.Combine("s2")), parallelism: 1).PackSymlinkLayerAsync([a], [a], nonRoot: true);

        Assert.NotEqual(root.Digest, nonRoot.Digest);
        Assert.Equal(nonRoot.Digest, nonRootElsewhere.Digest);
    }

    private async Task<Dictionary<string, LayerPackerTests.ReadEntry>> PackWithClosureAsync(string[] topLevel, string[] closure, bool nonRoot = false)
    {
        var storeRoot = _temp.Combine("store-" + Guid.NewGuid().ToString("N"));
        var layer = await PackingFixture.Packer(PackingFixture.Store(storeRoot)).PackSymlinkLayerAsync(topLevel, closure, nonRoot);
        return LayerPackerTests.ReadEntries(PackingFixture.BlobPath(storeRoot, layer.Digest)).ToDictionary(x => x.Name.TrimEnd('/'));
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
