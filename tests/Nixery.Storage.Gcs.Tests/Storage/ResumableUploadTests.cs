using System.Net;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Storage;

/// <summary>
/// Sequences the emulator cannot play (it finalises a resumable upload on its first chunk, rewrites in one call and has
/// no preconditions), against the protocol peer that answers as Google documents.
/// </summary>
public sealed class ResumableUploadTests : IAsyncLifetime
{
    private const int Chunk = 256 * 1024;
    private GcsPeer _peer = null!;

    public async Task InitializeAsync() => _peer = await GcsPeer.StartAsync();

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    private Nixery.Core.Storage.BlobStore Store() => Stores.Store(_peer.Endpoint, GcsPeer.BucketName, o =>
    {
        o.ChunkSize = Chunk;
        o.ResumableThreshold = 64 * 1024;
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

    [Fact]
    public async Task Layer_of_many_chunks_is_sent_in_256KiB_multiples_confirmed_by_308_and_finished_with_its_total()
    {
        var content = Stores.RandomBytes(3 * Chunk + 1000, 1);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        var puts = _peer.Log.Where(l => l.StartsWith("PUT upload.chunk", StringComparison.Ordinal)).Select(l => l.Split(' ')[^1]).ToList();
        Assert.Equal(
            [$"0-{Chunk - 1}/*", $"{Chunk}-{2 * Chunk - 1}/*", $"{2 * Chunk}-{3 * Chunk - 1}/*", $"{3 * Chunk}-{content.Length - 1}/{content.Length}"],
            puts);
    }

    [Fact]
    public async Task Chunk_the_server_persisted_only_in_part_is_resent_from_the_confirmed_offset()
    {
        _peer.PersistAtMostPerChunk = Chunk / 2;
        var content = Stores.RandomBytes(2 * Chunk + 10, 2);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        var puts = _peer.Log.Where(l => l.StartsWith("PUT upload.chunk", StringComparison.Ordinal)).Select(l => l.Split(' ')[^1]).ToList();
        Assert.StartsWith($"{Chunk / 2}-", puts[1]);
    }

    [Fact]
    public async Task Upload_resumes_after_a_dropped_connection_by_asking_the_session_what_it_holds()
    {
        _peer.Fail("upload.chunk", "return-reset-connection");
        var content = Stores.RandomBytes(2 * Chunk + 5, 3);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
        Assert.Contains(_peer.Log, l => l.StartsWith("PUT upload.chunk", StringComparison.Ordinal) && l.EndsWith("bytes */*", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_resumes_after_a_503_that_came_after_256KiB_were_persisted()
    {
        _peer.Fail("upload.chunk", "return-503-after-256K");
        var content = Stores.RandomBytes(3 * Chunk, 4);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
    }

    [Fact]
    public async Task Move_follows_rewrite_tokens_until_done_then_deletes_the_staging_object()
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
    public async Task Rewrite_onto_an_existing_blob_gets_412_and_keeps_the_existing_object()
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
        for (var i = 0; i < 50; i++) _peer.Fail("upload.chunk", "return-503");
        var content = Stores.RandomBytes(2 * Chunk, 7);
        var failure = await Assert.ThrowsAsync<GcsStorageException>(() => WriteAsync(Store(), content));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Empty(_peer.Objects);
        Assert.Contains(_peer.Log, l => l.StartsWith("DELETE upload.cancel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_cut_during_the_move_is_retried_and_the_blob_ends_complete_under_its_digest()
    {
        _peer.Fail("objects.rewrite", "return-reset-connection", "return-503");
        var content = Stores.RandomBytes(300_000, 8);
        var blob = await WriteAsync(Store(), content);
        AssertOnlyUnderDigest(blob.Digest, content);
    }

    [Fact]
    public async Task Small_blob_reaching_the_server_corrupted_is_rejected_by_its_md5_and_not_stored()
    {
        // The peer checks md5Hash of a multipart upload as Cloud Storage does; a wrong hash makes it answer 400.
        var client = Stores.Client(_peer.Endpoint, GcsPeer.BucketName);
        var failure = await Assert.ThrowsAsync<GcsStorageException>(() =>
            client.InsertAsync("blobs/sha256/x", "abc"u8.ToArray(), 0, System.Security.Cryptography.MD5.HashData("abd"u8), null, default));
        Assert.Equal(HttpStatusCode.BadRequest, failure.StatusCode);
        Assert.Empty(_peer.Objects);
    }
}
