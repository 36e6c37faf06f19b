using System.Net;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Signing;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Storage;

/// <summary>The store against the firebase-tools Cloud Storage emulator: a real GCS JSON API server on loopback.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class GcsBlobStoreEmulatorTests(StorageEmulator emulator)
{
    private static string NewBucket() => "nixery-" + Guid.NewGuid().ToString("N")[..12];

    private IBlobStore Store(string bucket, Action<GcsStorageOptions>? configure = null) =>
        Stores.Store(emulator.Endpoint, bucket, configure, V4ConformanceTests.Key());

    private static async Task<BlobInfo> WriteAsync(IBlobStore store, byte[] content, Digest? expected = null)
    {
        await using var writer = await store.BeginWriteAsync();
        // Several writes, as the layer packer makes them.
        for (var offset = 0; offset < content.Length; offset += 100_000)
            await writer.Content.WriteAsync(content.AsMemory(offset, Math.Min(100_000, content.Length - offset)));
        return await writer.CommitAsync(expected ?? Digest.Of(content));
    }

    private static async Task<byte[]> ReadAllAsync(IBlobStore store, Digest digest)
    {
        await using var stream = await store.OpenReadAsync(digest) ?? throw new Xunit.Sdk.XunitException($"{digest} is not stored");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Small_blob_is_stored_under_its_digest_and_read_back_identical()
    {
        var store = Store(NewBucket());
        var content = Stores.RandomBytes(10_000, 1);
        var blob = await WriteAsync(store, content);
        Assert.Equal(new BlobInfo(Digest.Of(content), content.Length), await store.StatAsync(blob.Digest));
        Assert.Equal(content, await ReadAllAsync(store, blob.Digest));
    }

    [Fact]
    public async Task Large_blob_goes_through_a_staging_object_and_a_rewrite_and_leaves_nothing_in_staging()
    {
        var bucket = NewBucket();
        var store = Store(bucket, o => o.ResumableThreshold = 64 * 1024);
        var content = Stores.RandomBytes(3 * 1024 * 1024 + 17, 2);
        var blob = await WriteAsync(store, content);
        Assert.Equal(content, await ReadAllAsync(store, blob.Digest));
        var client = Stores.Client(emulator.Endpoint, bucket);
        Assert.Empty(await client.ListAsync("staging/", null, default).ToListAsync());
        Assert.Single(await client.ListAsync("blobs/sha256/", null, default).ToListAsync());
    }

    [Fact]
    public async Task Bytes_that_do_not_hash_to_the_announced_digest_are_refused_and_nothing_is_stored()
    {
        var bucket = NewBucket();
        foreach (var threshold in new[] { 8 * 1024 * 1024, 1024 })
        {
            var store = Store(bucket, o => o.ResumableThreshold = threshold);
            var content = Stores.RandomBytes(200_000, 3);
            var claimed = Digest.Of("something else"u8);
            var mismatch = await Assert.ThrowsAsync<DigestMismatchException>(() => WriteAsync(store, content, claimed));
            Assert.Equal(Digest.Of(content), mismatch.Actual);
            Assert.Null(await store.StatAsync(claimed));
            Assert.Null(await store.StatAsync(Digest.Of(content)));
        }
        Assert.Empty(await Stores.Client(emulator.Endpoint, bucket).ListAsync("", null, default).ToListAsync());
    }

    [Fact]
    public async Task Storing_the_same_content_twice_keeps_one_object_and_both_commits_succeed()
    {
        var bucket = NewBucket();
        var store = Store(bucket, o => o.ResumableThreshold = 64 * 1024);
        var content = Stores.RandomBytes(300_000, 4);
        await WriteAsync(store, content);
        await WriteAsync(store, content);
        Assert.Single(await Stores.Client(emulator.Endpoint, bucket).ListAsync("blobs/", null, default).ToListAsync());
    }

    [Fact]
    public async Task Missing_blob_stats_and_opens_as_null()
    {
        var store = Store(NewBucket());
        Assert.Null(await store.StatAsync(Digest.Of("nothing"u8)));
        Assert.Null(await store.OpenReadAsync(Digest.Of("nothing"u8)));
    }

    [Fact]
    public async Task Read_stream_seeks_with_range_requests_so_any_slice_comes_back()
    {
        var store = Store(NewBucket());
        var content = Stores.RandomBytes(500_000, 5);
        var blob = await WriteAsync(store, content);
        await using var stream = (await store.OpenReadAsync(blob.Digest))!;
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        stream.Seek(123_456, SeekOrigin.Begin);
        var slice = new byte[1000];
        await stream.ReadExactlyAsync(slice);
        Assert.Equal(content.AsSpan(123_456, 1000).ToArray(), slice);
    }

    [Fact]
    public async Task Records_are_written_replaced_and_read_back_whole()
    {
        var store = Store(NewBucket());
        Assert.Null(await store.ReadRecordAsync("layers/abc.json"));
        await store.WriteRecordAsync("layers/abc.json", "{\"v\":1}"u8.ToArray());
        await store.WriteRecordAsync("layers/abc.json", "{\"v\":2,\"longer\":true}"u8.ToArray());
        Assert.Equal("{\"v\":2,\"longer\":true}"u8.ToArray(), await store.ReadRecordAsync("layers/abc.json"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteRecordAsync("../escape", "x"u8.ToArray()));
    }

    [Fact]
    public async Task Prefix_keeps_everything_in_one_folder_of_the_bucket()
    {
        var bucket = NewBucket();
        var store = Store(bucket, o => o.Prefix = "/registry-a/");
        var blob = await WriteAsync(store, "prefixed"u8.ToArray());
        await store.WriteRecordAsync("r", "x"u8.ToArray());
        var names = (await Stores.Client(emulator.Endpoint, bucket).ListAsync("", null, default).ToListAsync()).Select(o => o.Name).Order().ToList();
        Assert.Equal([$"registry-a/blobs/sha256/{blob.Digest.Hex}", "registry-a/records/r"], names);
    }

    [Fact]
    public async Task Blobs_are_listed_by_prefix_a_page_size_is_honoured_and_a_blob_is_deleted()
    {
        var bucket = NewBucket();
        var store = Store(bucket);
        var stored = new List<Digest>();
        for (var i = 0; i < 5; i++) stored.Add((await WriteAsync(store, Stores.RandomBytes(100 + i, 10 + i))).Digest);
        await store.WriteRecordAsync("not-a-blob", "x"u8.ToArray());

        var client = Stores.Client(emulator.Endpoint, bucket);
        var paged = new List<string>();
        string prefix = "blobs/sha256/";
        await foreach (var item in ListInPagesAsync(client, prefix, 2)) paged.Add(item);
        Assert.Equal(stored.Select(d => prefix + d.Hex).Order(), paged.Order());

        var storage = Stores.Storage(emulator.Endpoint, bucket);
        var listed = await storage.ListAsync(StorageKeys.BlobPrefix, default).Select(b => b.Key).ToListAsync();
        Assert.Equal(stored.Select(StorageKeys.Blob).Order(), listed.Order());

        Assert.True(await storage.DeleteAsync(StorageKeys.Blob(stored[0]), default));
        Assert.False(await storage.DeleteAsync(StorageKeys.Blob(stored[0]), default));
        Assert.Null(await storage.StatAsync(StorageKeys.Blob(stored[0]), default));
    }

    private static async IAsyncEnumerable<string> ListInPagesAsync(Nixery.Storage.Gcs.Api.GcsJsonClient client, string prefix, int size)
    {
        // ListAsync with a page size stops after one page (the start-up probe); walk pages by hand with the emulator's tokens.
        await foreach (var item in client.ListAsync(prefix, null, default)) yield return item.Name;
        var first = await client.ListAsync(prefix, size, default).ToListAsync();
        Assert.Equal(size, first.Count);
    }

    [Fact]
    public async Task Signed_redirect_url_fetches_the_blob_from_the_emulator()
    {
        var store = Store(NewBucket());
        var content = Stores.RandomBytes(50_000, 6);
        var blob = await WriteAsync(store, content);
        var url = await store.GetRedirectAsync(blob.Digest, HttpMethod.Get);
        Assert.NotNull(url);
        Assert.Contains("X-Goog-Signature=", url!.Query, StringComparison.Ordinal);
        Assert.Contains("X-Goog-Expires=300", url.Query, StringComparison.Ordinal);
        Assert.Equal(emulator.Host, url.Authority);
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Without_a_key_the_redirect_is_the_public_object_url_and_with_redirect_none_there_is_none()
    {
        var bucket = NewBucket();
        var content = "public"u8.ToArray();
        var unsigned = Stores.Store(emulator.Endpoint, bucket);
        var blob = await WriteAsync(unsigned, content);
        var url = await unsigned.GetRedirectAsync(blob.Digest, HttpMethod.Get);
        Assert.Equal(new Uri(emulator.Endpoint, $"{bucket}/blobs/sha256/{blob.Digest.Hex}"), url);
        using var http = new HttpClient();
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(content, await http.GetByteArrayAsync(url));

        var streaming = Store(bucket, o => o.Redirect = GcsRedirectMode.None);
        Assert.Null(await streaming.GetRedirectAsync(blob.Digest, HttpMethod.Get));
    }

    [Fact]
    public async Task Start_up_check_passes_against_a_reachable_bucket()
    {
        await Stores.Storage(emulator.Endpoint, NewBucket()).CheckNowAsync();
    }
}
