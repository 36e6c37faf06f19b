using System.Text.Json;

namespace Nixery.Core.Tests.Packing;

public sealed class LayerIndexTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Same_paths_in_any_order_are_packed_once_and_reused_after_a_restart()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");
        var b = PackingFixture.CreatePackage(_temp.Combine("src"), "bbbb-b", "bin/b");
        var store = new CountingBlobStore(PackingFixture.Store(_temp.Combine("store")));

        var first = await PackingFixture.Packer(store).PackStorePathsAsync([a, b]);
        var again = await PackingFixture.Packer(store).PackStorePathsAsync([b, a, b + "/"]);

        Assert.Equal(1, store.Writes);
        Assert.Equal(first, again with { Contents = first.Contents });
        Assert.Equal(first.Contents, again.Contents);
    }

    [Fact]
    public async Task The_index_record_holds_digest_diff_id_size_and_sorted_paths()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");
        var b = PackingFixture.CreatePackage(_temp.Combine("src"), "bbbb-b", "bin/b");
        var store = PackingFixture.Store(_temp.Combine("store"));

        var layer = await PackingFixture.Packer(store).PackStorePathsAsync([b, a]);

        var key = Nixery.Core.Packing.LayerPacker.Key("", [a, b]);
        using var record = JsonDocument.Parse((await store.ReadRecordAsync($"layers/{key}.json"))!);
        Assert.Equal(layer.Digest.ToString(), record.RootElement.GetProperty("digest").GetString());
        Assert.Equal(layer.DiffId.ToString(), record.RootElement.GetProperty("diffId").GetString());
        Assert.Equal(layer.Size, record.RootElement.GetProperty("size").GetInt64());
        Assert.Equal([a, b], record.RootElement.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task A_record_whose_blob_is_gone_is_packed_again()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");
        var storeRoot = _temp.Combine("store");
        var store = new CountingBlobStore(PackingFixture.Store(storeRoot));
        var first = await PackingFixture.Packer(store).PackStorePathsAsync([a]);
        File.Delete(PackingFixture.BlobPath(storeRoot, first.Digest));

        var second = await PackingFixture.Packer(store).PackStorePathsAsync([a]);

        Assert.Equal(2, store.Writes);
        Assert.Equal(first.Digest, second.Digest);
        Assert.True(File.Exists(PackingFixture.BlobPath(storeRoot, second.Digest)));
    }

    [Fact]
    public async Task Concurrent_requests_for_the_same_paths_pack_once_and_all_get_the_result()
    {
        var hello = PackingFixture.CreateHello(_temp.Combine("src"));
        var store = new CountingBlobStore(PackingFixture.Store(_temp.Combine("store")));
        var packer = PackingFixture.Packer(store);

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await packer.PackStorePathsAsync([hello]);
        })).ToArray();
        start.Set();
        var layers = await Task.WhenAll(requests);

        Assert.Equal(1, store.Writes);
        Assert.All(layers, l => Assert.Equal(layers[0].Digest, l.Digest));
    }

    [Fact]
    public async Task Symlink_layer_and_store_layer_of_the_same_paths_have_different_keys()
    {
        var a = PackingFixture.CreatePackage(_temp.Combine("src"), "aaaa-a", "bin/a");
        var store = new CountingBlobStore(PackingFixture.Store(_temp.Combine("store")));
        var packer = PackingFixture.Packer(store);

        var storeLayer = await packer.PackStorePathsAsync([a]);
        var symlinks = await packer.PackSymlinkLayerAsync([a]);
        var symlinksAgain = await PackingFixture.Packer(store).PackSymlinkLayerAsync([a]);

        Assert.NotEqual(storeLayer.Digest, symlinks.Digest);
        Assert.Equal(symlinks, symlinksAgain with { Contents = symlinks.Contents });
        Assert.Equal(["symlinks for aaaa-a"], symlinksAgain.Contents);
        Assert.Equal(2, store.Writes);
    }
}
