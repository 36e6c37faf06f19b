using System.Net;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Storage;

/// <summary>
/// What the storage library sends for the backend's uploads, and how it recovers, in the sequences the emulator cannot
/// play (it finalises a resumable upload on its first chunk, rewrites in one call, enforces no preconditions and checks no
/// checksums), against the protocol peer that answers as Google documents.
/// </summary>
public sealed class ResumableUploadTests : IAsyncLifetime
{
    private const int Chunk = 256 * 1024;
    private GcsPeer _peer = null!;

    public async Task InitializeAsync() => _peer = await GcsPeer.StartAsync();

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    private Nixery.Core.Storage.BlobStore Store(int attempts = 6) => Stores.Store(_peer.Endpoint, GcsPeer.BucketName, o =>
    {
        o.ChunkSize = Chunk;
        o.ResumableThreshold = 64 * 1024;
        o.Retry = Stores.FastRetries(attempts);
    });

    private static async Task<BlobInfo> WriteAsync(IBlobStore store, byte[] content, Digest? expected = null)
    {
        await using var writer = await store.BeginWriteAsync();
        for (var offset = 0; offset < content.Length; offset += 64 * 1024)
            await writer.Content.WriteAsync(content.AsMemory(offset, Math.Min(64 * 1024, content.Length - offset)));
        return await writer.CommitAsync(expected ?? Digest.Of(content));
    }

    private void AssertOnlyUnderDigest(Digest digest, byte[] content)
    {
        var names = _peer.Objects.Keys.ToList();
        Assert.Equal([$"blobs/sha256/{digest.Hex}"], names);
        Assert.Equal(content, _peer.Objects[names[0]].Data);
    }

    private List<string> ChunkRanges() =>
        _peer.Log.Where(l => l.StartsWith("PUT upload.chunk", StringComparison.Ordinal)).Select(l => l.Split(' ')[^1]).ToList();

    [Fact]
    public async Task Layer_of_many_chunks_is_sent_in_256KiB_multiples_confirmed_by_308_and_finished_with_its_total_and_crc32c()
    {
        var content = Stores.RandomBytes(3 * Chunk + 1000, 1);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        Assert.Equal(
            [$"0-{Chunk - 1}/*", $"{Chunk}-{2 * Chunk - 1}/*", $"{2 * Chunk}-{3 * Chunk - 1}/*", $"{3 * Chunk}-{content.Length - 1}/{content.Length}"],
            ChunkRanges());
        // The last request carries the CRC32C of everything, which the peer checked.
        Assert.Contains(_peer.Log, l => l.StartsWith("HASH staging/", StringComparison.Ordinal) && l.EndsWith("crc32c=" + Crc32C.Base64(content), StringComparison.Ordinal));
        Assert.Contains(_peer.Log, l => l.StartsWith("POST objects.insert resumable staging/", StringComparison.Ordinal) && l.Contains("ifGenerationMatch=0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chunk_the_server_persisted_only_in_part_is_resent_from_the_confirmed_offset()
    {
        _peer.PersistAtMostPerChunk = Chunk / 2;
        var content = Stores.RandomBytes(2 * Chunk + 10, 2);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        Assert.StartsWith($"{Chunk / 2}-", ChunkRanges()[1]);
    }

    [Fact]
    public async Task Chunk_whose_connection_was_cut_is_sent_again_and_the_blob_ends_complete()
    {
        _peer.Fail("upload.chunk", "return-reset-connection");
        var content = Stores.RandomBytes(2 * Chunk + 5, 3);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        Assert.Contains(_peer.Log, l => l == "FAULT upload.chunk return-reset-connection");
        Assert.Equal(2, ChunkRanges().Count(range => range == $"0-{Chunk - 1}/*"));
    }

    [Fact]
    public async Task Upload_resumes_from_what_the_session_holds_after_a_503_that_came_after_256KiB_were_persisted()
    {
        _peer.Fail("upload.chunk", "return-503-after-256K");
        var content = Stores.RandomBytes(3 * Chunk, 4);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        Assert.Contains("bytes */*", _peer.Log.Where(l => l.StartsWith("PUT upload.chunk", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("bytes", StringComparison.Ordinal))..]));
    }

    [Fact]
    public async Task Copy_follows_rewrite_tokens_until_done_then_deletes_the_staging_object()
    {
        _peer.RewriteBytesPerCall = 100_000;
        var content = Stores.RandomBytes(350_000, 5);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        var rewrites = _peer.Log.Where(l => l.StartsWith("POST objects.rewrite", StringComparison.Ordinal)).ToList();
        Assert.Equal(["token=", "token=copied-100000", "token=copied-200000", "token=copied-300000"], rewrites.Select(l => l.Split(' ')[^1]));
        Assert.Contains(_peer.Log, l => l.StartsWith("DELETE objects.delete staging/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copy_onto_an_existing_blob_gets_412_and_keeps_the_existing_object()
    {
        var content = Stores.RandomBytes(300_000, 6);
        var digest = Digest.Of(content);
        _peer.Put($"blobs/sha256/{digest.Hex}", content);
        var generation = _peer.Objects[$"blobs/sha256/{digest.Hex}"].Generation;
        await WriteAsync(Store(), content);
        Assert.Equal(generation, _peer.Objects[$"blobs/sha256/{digest.Hex}"].Generation);
        Assert.Single(_peer.Objects);
    }

    [Fact]
    public async Task Upload_that_keeps_failing_leaves_no_object_under_a_digest_name_and_no_staging_object()
    {
        // The library answers a 5xx of a chunk by asking the session what it holds, then goes on: fail that too.
        for (var i = 0; i < 50; i++)
        {
            _peer.Fail("upload.chunk", "return-503");
            _peer.Fail("upload.status", "return-503");
        }
        var content = Stores.RandomBytes(2 * Chunk, 7);
        var failure = await Assert.ThrowsAsync<Google.GoogleApiException>(() => WriteAsync(Store(attempts: 3), content));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.HttpStatusCode);
        Assert.Empty(_peer.Objects);
    }

    [Fact]
    public async Task Connection_cut_during_the_copy_is_retried_and_the_blob_ends_complete_under_its_digest()
    {
        _peer.Fail("objects.rewrite", "return-reset-connection", "return-503");
        var content = Stores.RandomBytes(300_000, 8);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(2 * Chunk + 3)]
    public async Task Bytes_that_reach_the_server_changed_fail_its_crc32c_check_and_nothing_is_stored(int size)
    {
        _peer.CorruptUploads = true;
        var failure = await Assert.ThrowsAsync<Google.GoogleApiException>(() => WriteAsync(Store(), Stores.RandomBytes(size, 9)));
        Assert.Equal(HttpStatusCode.BadRequest, failure.HttpStatusCode);
        Assert.Contains(_peer.Log, l => l.StartsWith("REJECTED ", StringComparison.Ordinal) && l.Contains("crc32c", StringComparison.Ordinal));
        Assert.Empty(_peer.Objects);
    }

    [Fact]
    public async Task Listing_follows_next_page_tokens_across_pages()
    {
        for (var i = 0; i < 23; i++) _peer.Put($"records/r{i:D2}", [(byte)i]);
        var storage = Stores.Storage(_peer.Endpoint, GcsPeer.BucketName, o => o.ListPageSize = 5);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a client that ignored tokens would list page 1 forever
        var listed = await storage.ListAsync("records/", timeout.Token).Select(o => o.Key).ToListAsync(timeout.Token);
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"records/r{i:D2}"), listed.Order(StringComparer.Ordinal));
        // Each page asked for with the token the one before it ended with.
        Assert.Equal(["", "after-5", "after-10", "after-15", "after-20"],
            _peer.Log.Where(l => l.StartsWith("GET objects.list", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("pageToken=", StringComparison.Ordinal) + 10)..]));
    }
}
