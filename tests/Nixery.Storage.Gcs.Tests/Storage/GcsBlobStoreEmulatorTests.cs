using System.Net;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Storage;

/// <summary>
/// What only Cloud Storage shows, against firebase-tools' emulator (the kit covers the contract): the bucket layout
/// (prefix, nothing left in <c>staging/</c>), listing that follows page tokens, public and streamed serving, and the
/// start-up check.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class GcsBlobStoreEmulatorTests(StorageEmulator emulator)
{
    private static string NewBucket() => "nixery-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<BlobInfo> WriteAsync(IBlobStore store, byte[] content)
    {
        await using var writer = await store.BeginWriteAsync();
        for (var offset = 0; offset < content.Length; offset += 100_000)
            await writer.Content.WriteAsync(content.AsMemory(offset, Math.Min(100_000, content.Length - offset)));
        return await writer.CommitAsync(Digest.Of(content));
    }

    [Fact]
    public async Task Large_blob_goes_through_a_staging_object_and_a_copy_and_leaves_nothing_in_staging()
    {
        var bucket = NewBucket();
        var store = Stores.Store(emulator.Endpoint, bucket, o => o.ResumableThreshold = 64 * 1024);
        var content = Stores.RandomBytes(3 * 1024 * 1024 + 17, 2);
        var blob = await WriteAsync(store, content);
        await using (var read = (await store.OpenReadAsync(blob.Digest))!)
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }
        Assert.Equal([$"blobs/sha256/{blob.Digest.Hex}"], await Stores.NamesAsync(emulator.Endpoint, bucket));
    }

    [Fact]
    public async Task Prefix_keeps_everything_in_one_folder_of_the_bucket()
    {
        var bucket = NewBucket();
        var store = Stores.Store(emulator.Endpoint, bucket, o => o.Prefix = "/registry-a/");
        var blob = await WriteAsync(store, "prefixed"u8.ToArray());
        await store.WriteRecordAsync("r", "x"u8.ToArray());
        var names = (await Stores.NamesAsync(emulator.Endpoint, bucket)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"registry-a/blobs/sha256/{blob.Digest.Hex}", "registry-a/records/r"], names);
    }

    [Fact]
    public async Task Listing_follows_page_tokens_through_every_page()
    {
        var bucket = NewBucket();
        var log = new RequestLog();
        var storage = Stores.Storage(emulator.Endpoint, bucket, o => o.ListPageSize = 2, log: log);
        var keys = Enumerable.Range(0, 7).Select(i => $"records/page/{i}").ToList();
        foreach (var key in keys) Assert.True(await storage.PutAsync(key, "x"u8.ToArray(), replace: false, CancellationToken.None));

        var listed = await storage.ListAsync("records/page/", CancellationToken.None).Select(o => o.Key).ToListAsync();

        Assert.Equal(keys, listed.Order(StringComparer.Ordinal));
        var pages = log.Lines.Where(line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("/o?", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, pages.Count);
        Assert.All(pages, page => Assert.Contains("maxResults=2", page, StringComparison.Ordinal));
        Assert.Equal(3, pages.Count(page => page.Contains("pageToken=", StringComparison.Ordinal)));
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

        var streaming = Stores.Store(emulator.Endpoint, bucket, o => o.Redirect = GcsRedirectMode.None, Stores.KeySigner());
        Assert.Null(await streaming.GetRedirectAsync(blob.Digest, HttpMethod.Get));
    }

    [Fact]
    public async Task Signed_redirect_url_names_the_emulator_and_the_expiry_and_fetches_the_blob()
    {
        var store = Stores.Store(emulator.Endpoint, NewBucket(), signer: Stores.KeySigner());
        var content = Stores.RandomBytes(50_000, 6);
        var blob = await WriteAsync(store, content);
        var url = await store.GetRedirectAsync(blob.Digest, HttpMethod.Get) ?? throw new Xunit.Sdk.XunitException("no redirect");
        Assert.Contains("X-Goog-Signature=", url.Query, StringComparison.Ordinal);
        Assert.Contains("X-Goog-Expires=300", url.Query, StringComparison.Ordinal);
        Assert.Equal(emulator.Host, url.Authority);
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Start_up_check_passes_against_a_bucket_that_holds_objects_and_says_how_blobs_are_served()
    {
        var bucket = NewBucket();
        var logs = new ListLogger();
        var storage = Stores.Storage(emulator.Endpoint, bucket, signer: Stores.KeySigner(), logger: logs);
        Assert.True(await storage.PutAsync("records/present", "x"u8.ToArray(), replace: false, CancellationToken.None));

        await storage.CheckNowAsync();

        var ready = Assert.Single(logs.Messages, m => m.StartsWith("Cloud Storage blob store ready", StringComparison.Ordinal));
        Assert.Contains($"bucket {bucket}", ready, StringComparison.Ordinal);
        Assert.Contains($"signed as {GcsTestData.DummyAccount().Id} with service-account key", ready, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_check_of_a_bucket_that_does_not_exist_passes_on_the_emulator_which_has_every_bucket()
    {
        // Measured: the emulator answers a listing of any bucket name, made or not (it makes buckets on first write, and
        // its CreateBucket answers 400), so it cannot say "bucket not found"; the peer does, in StartupCheckTests. This
        // proves what the emulator can: the check lists the bucket (one page of one object under blobs/) and no more.
        var log = new RequestLog();
        var bucket = NewBucket();
        var storage = Stores.Storage(emulator.Endpoint, bucket, log: log);
        await storage.CheckNowAsync();
        var request = Assert.Single(log.Lines);
        Assert.StartsWith($"GET {emulator.Endpoint}storage/v1/b/{bucket}/o?", request, StringComparison.Ordinal);
        Assert.Contains("maxResults=1", request, StringComparison.Ordinal);
        Assert.Contains("prefix=blobs%2F", request, StringComparison.Ordinal);
        Assert.Empty(await Stores.NamesAsync(emulator.Endpoint, bucket));
    }

    private sealed class ListLogger : ILogger<GcsStorage>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
