using System.Net;
using System.Security.Cryptography;
using System.Text;
using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;
using Xunit;

namespace Nixery.Storage.Testing;

/// <summary>
/// The conformance tests every storage backend passes, run against a real server: inherit this class in the backend's
/// test project, return a fresh, empty storage from <see cref="CreateStorageAsync"/> (a new directory, bucket or prefix per
/// call) and say which optional capabilities it offers in <see cref="Capabilities"/>. The tests go through the engine's
/// <see cref="BlobStore"/> where the engine's checks are part of the behaviour (digests, integrity, ranges), and to the
/// backend directly for its own contract (offsets, conditional writes, listing, deletion, redirects).
/// </summary>
public abstract class StorageConformanceTests : IAsyncLifetime
{
    private IStorageBackend? _storage;

    /// <summary>The backend under test (a fresh one per test).</summary>
    protected IStorageBackend Storage => _storage ?? throw new InvalidOperationException("the test has not been initialised");

    /// <summary>The engine's blob store over <see cref="Storage"/>.</summary>
    protected BlobStore Blobs { get; private set; } = null!;

    /// <summary>A fresh, empty storage of the backend under test.</summary>
    protected abstract Task<IStorageBackend> CreateStorageAsync();

    /// <summary>The optional capabilities the backend offers; each is then tested, and its absence is a failure.</summary>
    protected abstract StorageCapabilities Capabilities { get; }

    /// <summary>
    /// The size of the large blob: above any size the backend sends in one request, so that its chunked or multipart
    /// path is taken (default 20 MiB and a bit, not a multiple of any chunk size).
    /// </summary>
    protected virtual int LargeBlobSize => 20 * 1024 * 1024 + 12_345;

    /// <summary>How many records the listing test writes; set the backend's page size below it, so that paging is exercised.</summary>
    protected virtual int ListingCount => 60;

    /// <summary>The client that follows redirects in the redirect test (override for emulators that need special handling).</summary>
    protected virtual HttpClient CreateRedirectClient() => new(new HttpClientHandler { AllowAutoRedirect = false });

    /// <summary>
    /// True for a server that does not enforce conditional writes (firebase-tools' Cloud Storage emulator ignores
    /// <c>ifGenerationMatch</c>): the create-only test then asserts what that server does instead (the second put
    /// replaces), so the gap stays measured and the test fails once the server enforces it. Test conditional writes of
    /// such a backend against a server that enforces them as well.
    /// </summary>
    protected virtual bool ServerIgnoresConditionalWrites => false;

    /// <summary>
    /// False for a server whose answer to HEAD carries no <c>Content-Length</c> (firebase-tools' Cloud Storage emulator):
    /// the redirect test then checks only that HEAD succeeds.
    /// </summary>
    protected virtual bool ServerAnswersHeadWithLength => true;

    /// <summary>Called after each test with the storage it used; override to remove buckets or folders.</summary>
    protected virtual Task DeleteStorageAsync(IStorageBackend storage) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _storage = await CreateStorageAsync().ConfigureAwait(false);
        Blobs = new BlobStore(_storage);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_storage is not null) await DeleteStorageAsync(_storage).ConfigureAwait(false);
        if (_storage is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        else if (_storage is IDisposable disposable) disposable.Dispose();
    }

    /// <summary>Random bytes, the same for the same seed.</summary>
    protected static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void The_backend_offers_the_capabilities_its_tests_expect()
    {
        var offered = Offered(Storage);
        Assert.Equal(Capabilities, offered);
    }

    [Fact]
    public async Task A_small_blob_put_whole_round_trips()
    {
        var content = Encoding.UTF8.GetBytes("{\"schemaVersion\":2}");
        var info = await Blobs.PutAsync(content);

        Assert.Equal(new BlobInfo(Digest.Of(content), content.Length), info);
        Assert.Equal(info, await Blobs.StatAsync(info.Digest));
        Assert.Equal(content, await ReadBlobAsync(info.Digest));
        Assert.Equal(info, await Blobs.PutAsync(content)); // again: found, not written twice
    }

    [Fact]
    public async Task A_large_blob_written_in_uneven_pieces_round_trips()
    {
        var content = Bytes(LargeBlobSize, 1);
        var digest = Digest.Of(content);
        await using (var writer = await Blobs.BeginWriteAsync())
        {
            await WriteInPiecesAsync(writer.Content, content);
            Assert.Equal(new BlobInfo(digest, content.Length), await writer.CommitAsync(digest));
        }

        Assert.Equal(content.Length, (await Blobs.StatAsync(digest))?.Size);
        Assert.Equal(content, await ReadBlobAsync(digest));
        Assert.Equal(content.Length, (await OpenBackendAsync(StorageKeys.Blob(digest), 0)).Length);
    }

    [Fact]
    public async Task Two_concurrent_writers_of_one_digest_both_succeed_and_the_blob_is_stored_once()
    {
        var content = Bytes(3 * 1024 * 1024 + 17, 2);
        var digest = Digest.Of(content);
        var one = await Blobs.BeginWriteAsync();
        var two = await Blobs.BeginWriteAsync();
        await Task.WhenAll(WriteInPiecesAsync(one.Content, content), WriteInPiecesAsync(two.Content, content));

        var results = await Task.WhenAll(one.CommitAsync(digest), two.CommitAsync(digest));
        await one.DisposeAsync();
        await two.DisposeAsync();

        Assert.All(results, result => Assert.Equal(new BlobInfo(digest, content.Length), result));
        Assert.Equal(content, await ReadBlobAsync(digest));
        if (Storage is IStorageListing listing)
            Assert.Equal([StorageKeys.Blob(digest)], (await ListAsync(listing, StorageKeys.BlobPrefix)).Select(o => o.Key));
    }

    [Fact]
    public async Task A_digest_mismatch_throws_and_leaves_nothing_under_either_digest()
    {
        foreach (var size in new[] { 1000, LargeBlobSize })
        {
            var content = Bytes(size, 3);
            var wrong = Digest.Of(Bytes(size, 4));
            await using var writer = await Blobs.BeginWriteAsync();
            await WriteInPiecesAsync(writer.Content, content);

            var error = await Assert.ThrowsAsync<DigestMismatchException>(() => writer.CommitAsync(wrong));

            Assert.Equal(Digest.Of(content), error.Actual);
            Assert.Null(await Blobs.StatAsync(wrong));
            Assert.Null(await Blobs.StatAsync(Digest.Of(content)));
        }
        await AssertNoBlobsListedAsync();
    }

    [Fact]
    public async Task An_upload_abandoned_midway_leaves_nothing_visible()
    {
        var content = Bytes(LargeBlobSize, 5);
        await using (var writer = await Blobs.BeginWriteAsync())
        {
            await WriteInPiecesAsync(writer.Content, content.AsMemory(0, content.Length / 2 + 1));
        }

        // Cut short by cancellation between writes, as when a client goes away.
        using var cancel = new CancellationTokenSource();
        await using (var writer = await Blobs.BeginWriteAsync())
        {
            await writer.Content.WriteAsync(content.AsMemory(0, 1024 * 1024));
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await writer.Content.WriteAsync(content.AsMemory(1024 * 1024), cancel.Token));
        }

        Assert.Null(await Blobs.StatAsync(Digest.Of(content)));
        await AssertNoBlobsListedAsync();
    }

    [Fact]
    public async Task An_object_opened_at_an_offset_reads_from_there_to_its_end()
    {
        var content = Bytes(300_000, 6);
        var info = await Blobs.PutAsync(content);
        var key = StorageKeys.Blob(info.Digest);

        foreach (var offset in new long[] { 0, 1, 65_536, 299_999, 300_000, 400_000 })
        {
            var opened = await OpenBackendAsync(key, offset);
            await using (opened.Content)
            {
                Assert.Equal(content.Length, opened.Length);
                var expected = offset >= content.Length ? [] : content[(int)offset..];
                Assert.Equal(expected, await ReadToEndAsync(opened.Content));
            }
        }
    }

    [Fact]
    public async Task The_engine_serves_ranges_from_any_backend_by_seeking()
    {
        var content = Bytes(LargeBlobSize, 7);
        var digest = Digest.Of(content);
        await using (var writer = await Blobs.BeginWriteAsync())
        {
            await writer.Content.WriteAsync(content);
            await writer.CommitAsync(digest);
        }

        await using var stream = await Blobs.OpenReadAsync(digest) ?? throw new Xunit.Sdk.XunitException("the blob is missing");
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        foreach (var (offset, length) in new[] { (content.Length - 100, 100), (10, 5_000), (8 * 1024 * 1024 - 3, 7) })
        {
            stream.Position = offset;
            var slice = new byte[length];
            await stream.ReadExactlyAsync(slice);
            Assert.Equal(content.AsSpan(offset, length).ToArray(), slice);
        }
    }

    [Fact]
    public async Task Missing_objects_are_null_everywhere()
    {
        var missing = Digest.Of("nothing here"u8);
        Assert.Null(await Storage.OpenReadAsync(StorageKeys.Blob(missing), 0, CancellationToken.None));
        Assert.Null(await Blobs.StatAsync(missing));
        Assert.Null(await Blobs.OpenReadAsync(missing));
        Assert.Null(await Blobs.GetRedirectAsync(missing, HttpMethod.Get));
        Assert.Null(await Blobs.ReadRecordAsync("layers/none.json"));
        if (Storage is IStorageStat stat) Assert.Null(await stat.StatAsync(StorageKeys.Blob(missing), CancellationToken.None));
        if (Storage is IStorageDeletion deletion) Assert.False(await deletion.DeleteAsync(StorageKeys.Blob(missing), CancellationToken.None));
    }

    [Fact]
    public async Task A_put_that_must_not_replace_keeps_the_object_there_and_says_so()
    {
        const string key = "records/conformance/create-only.json";
        Assert.True(await Storage.PutAsync(key, "first"u8.ToArray(), replace: false, CancellationToken.None));
        if (ServerIgnoresConditionalWrites)
        {
            Assert.True(await Storage.PutAsync(key, "second"u8.ToArray(), replace: false, CancellationToken.None));
            Assert.Equal("second"u8.ToArray(), await Blobs.ReadRecordAsync("conformance/create-only.json"));
        }
        else
        {
            Assert.False(await Storage.PutAsync(key, "second"u8.ToArray(), replace: false, CancellationToken.None));
            Assert.Equal("first"u8.ToArray(), await Blobs.ReadRecordAsync("conformance/create-only.json"));
        }

        Assert.True(await Storage.PutAsync(key, "third"u8.ToArray(), replace: true, CancellationToken.None));
        Assert.Equal("third"u8.ToArray(), await Blobs.ReadRecordAsync("conformance/create-only.json"));
    }

    [Fact]
    public async Task A_record_round_trips_and_a_later_write_replaces_it()
    {
        await Blobs.WriteRecordAsync("layers/abc.json", "{\"v\":1}"u8.ToArray());
        Assert.Equal("{\"v\":1}"u8.ToArray(), await Blobs.ReadRecordAsync("layers/abc.json"));

        await Blobs.WriteRecordAsync("layers/abc.json", "{\"v\":22}"u8.ToArray());
        Assert.Equal("{\"v\":22}"u8.ToArray(), await Blobs.ReadRecordAsync("layers/abc.json"));
    }

    [Fact]
    public async Task Concurrent_writes_of_one_record_leave_one_of_them_whole()
    {
        var versions = Enumerable.Range(0, 8).Select(i => Encoding.UTF8.GetBytes(new string((char)('a' + i), 10_000 + i))).ToList();
        await Task.WhenAll(versions.Select(v => Blobs.WriteRecordAsync("images/raced.json", v)));

        var stored = await Blobs.ReadRecordAsync("images/raced.json");
        Assert.Contains(versions, v => v.AsSpan().SequenceEqual(stored));
    }

    [Fact]
    public async Task The_longest_record_name_and_every_key_character_work()
    {
        var segment = new string('n', StorageKeys.MaxSegmentLength);
        var name = $"{segment}/{segment[..200]}/{segment[..(StorageKeys.MaxRecordNameLength - StorageKeys.MaxSegmentLength - 207)]}.json";
        Assert.Equal(StorageKeys.MaxRecordNameLength, name.Length);
        await Blobs.WriteRecordAsync(name, "long"u8.ToArray());
        Assert.Equal("long"u8.ToArray(), await Blobs.ReadRecordAsync(name));

        const string odd = "layers/A-Z_a.z-0.9/x_y-z.JSON";
        await Blobs.WriteRecordAsync(odd, "odd"u8.ToArray());
        Assert.Equal("odd"u8.ToArray(), await Blobs.ReadRecordAsync(odd));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../outside.json")]
    [InlineData("layers/../../outside.json")]
    [InlineData("layers//double.json")]
    [InlineData("layers/./dot.json")]
    [InlineData("layers/with space.json")]
    [InlineData("layers\\backslash.json")]
    [InlineData("layers/trailing/")]
    [InlineData("layers/%2e%2e/encoded.json")]
    [InlineData("layers/longer-than-a-file-name-may-be")]
    public async Task Invalid_record_names_are_refused_before_the_backend_sees_them(string name)
    {
        if (name.EndsWith("longer-than-a-file-name-may-be", StringComparison.Ordinal)) name += new string('x', StorageKeys.MaxSegmentLength);
        await Assert.ThrowsAsync<ArgumentException>(() => Blobs.WriteRecordAsync(name, "x"u8.ToArray()));
        await Assert.ThrowsAsync<ArgumentException>(() => Blobs.ReadRecordAsync(name));
        if (Storage is IStorageListing listing) Assert.Empty(await ListAsync(listing, ""));
    }

    [Fact]
    public async Task Stat_gives_the_size_of_an_object_and_null_for_none()
    {
        if (Storage is not IStorageStat stat)
        {
            Assert.False(Capabilities.HasFlag(StorageCapabilities.Stat));
            return;
        }
        var info = await Blobs.PutAsync(Bytes(12_345, 8));
        var found = await stat.StatAsync(StorageKeys.Blob(info.Digest), CancellationToken.None);
        Assert.Equal(StorageKeys.Blob(info.Digest), found?.Key);
        Assert.Equal(12_345, found?.Size);
    }

    [Fact]
    public async Task Listing_gives_every_committed_object_under_a_prefix_once_with_its_size_and_no_upload_in_progress()
    {
        if (Storage is not IStorageListing listing)
        {
            Assert.False(Capabilities.HasFlag(StorageCapabilities.Listing));
            return;
        }
        var records = Enumerable.Range(0, ListingCount).Select(i => ($"layers/{i:D4}.json", Bytes(10 + i, 100 + i))).ToList();
        await Parallel.ForEachAsync(records, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (record, token) => await Blobs.WriteRecordAsync(record.Item1, record.Item2, token));
        await Blobs.WriteRecordAsync("images/other.json", "x"u8.ToArray());
        var blob = await Blobs.PutAsync(Bytes(777, 9));
        await using var inProgress = await Blobs.BeginWriteAsync();
        await inProgress.Content.WriteAsync(Bytes(LargeBlobSize, 10));

        var listed = await ListAsync(listing, "records/layers/");
        Assert.Equal(records.Select(r => "records/" + r.Item1).Order(StringComparer.Ordinal), listed.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.All(listed, o => Assert.Equal(records.Single(r => "records/" + r.Item1 == o.Key).Item2.Length, o.Size));

        var blobs = await ListAsync(listing, StorageKeys.BlobPrefix);
        Assert.Equal([new StoredObject(StorageKeys.Blob(blob.Digest), 777)], blobs.Select(o => o with { LastModified = null }));
        Assert.Equal(ListingCount + 2, (await ListAsync(listing, "")).Count);
    }

    [Fact]
    public async Task Deletion_removes_an_object_and_says_whether_one_was_there()
    {
        if (Storage is not IStorageDeletion deletion)
        {
            Assert.False(Capabilities.HasFlag(StorageCapabilities.Deletion));
            return;
        }
        var info = await Blobs.PutAsync(Bytes(4_000, 11));
        var key = StorageKeys.Blob(info.Digest);

        Assert.True(await deletion.DeleteAsync(key, CancellationToken.None));
        Assert.Null(await Storage.OpenReadAsync(key, 0, CancellationToken.None));
        Assert.False(await deletion.DeleteAsync(key, CancellationToken.None));
        Assert.Equal(info, await Blobs.PutAsync(Bytes(4_000, 11))); // and it can be stored again
    }

    [Fact]
    public async Task A_redirect_leads_to_the_blobs_bytes_for_get_and_to_its_length_for_head()
    {
        if (Storage is not IStorageRedirects)
        {
            Assert.False(Capabilities.HasFlag(StorageCapabilities.Redirects));
            return;
        }
        var content = Bytes(150_000, 12);
        var info = await Blobs.PutAsync(content);
        using var client = CreateRedirectClient();

        var get = await Blobs.GetRedirectAsync(info.Digest, HttpMethod.Get) ?? throw new Xunit.Sdk.XunitException("no redirect for GET");
        using (var response = await client.GetAsync(get))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), Convert.ToHexStringLower(SHA256.HashData(body)));
        }

        var head = await Blobs.GetRedirectAsync(info.Digest, HttpMethod.Head) ?? throw new Xunit.Sdk.XunitException("no redirect for HEAD");
        using (var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, head)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (ServerAnswersHeadWithLength) Assert.Equal(content.Length, response.Content.Headers.ContentLength);
        }
    }

    /// <summary>The capabilities <paramref name="storage"/> implements.</summary>
    protected static StorageCapabilities Offered(IStorageBackend storage) =>
        (storage is IStorageStat ? StorageCapabilities.Stat : 0)
        | (storage is IStorageRedirects ? StorageCapabilities.Redirects : 0)
        | (storage is IStorageDeletion ? StorageCapabilities.Deletion : 0)
        | (storage is IStorageListing ? StorageCapabilities.Listing : 0)
        | (storage is IStorageStartupCheck ? StorageCapabilities.StartupCheck : 0);

    /// <summary>Writes <paramref name="content"/> in pieces of awkward sizes (1 byte, odd sizes, large runs).</summary>
    protected static async Task WriteInPiecesAsync(Stream destination, ReadOnlyMemory<byte> content)
    {
        int[] sizes = [1, 1000, 65_543, 1 << 20];
        var position = 0;
        for (var i = 0; position < content.Length; i++)
        {
            var size = Math.Min(sizes[Math.Min(i, sizes.Length - 1)], content.Length - position);
            await destination.WriteAsync(content.Slice(position, size));
            position += size;
        }
    }

    /// <summary>Everything listed under <paramref name="prefix"/>.</summary>
    protected static async Task<List<StoredObject>> ListAsync(IStorageListing listing, string prefix)
    {
        var objects = new List<StoredObject>();
        await foreach (var item in listing.ListAsync(prefix, CancellationToken.None)) objects.Add(item);
        return objects;
    }

    private async Task<byte[]> ReadBlobAsync(Digest digest)
    {
        await using var stream = await Blobs.OpenReadAsync(digest) ?? throw new Xunit.Sdk.XunitException($"{digest} is missing");
        return await ReadToEndAsync(stream);
    }

    private async Task<StorageReadResult> OpenBackendAsync(string key, long offset) =>
        await Storage.OpenReadAsync(key, offset, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException($"{key} is missing");

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task AssertNoBlobsListedAsync()
    {
        if (Storage is IStorageListing listing) Assert.Empty(await ListAsync(listing, StorageKeys.BlobPrefix));
    }
}
