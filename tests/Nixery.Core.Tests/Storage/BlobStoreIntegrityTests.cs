using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;

namespace Nixery.Core.Tests.Storage;

/// <summary>A backend that loses or changes bytes is caught by the engine's blob store, and nothing wrong stays under a digest.</summary>
public sealed class BlobStoreIntegrityTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private (BlobStore Store, FileSystemStorage Honest) Store(LyingStorage.Lie lie)
    {
        var honest = new FileSystemStorage(
            Options.Create(new FileSystemStorageOptions { Path = _temp.Path, FlushToDisk = false }), NullLogger<FileSystemStorage>.Instance);
        return (new BlobStore(new LyingStorage(honest, lie)), honest);
    }

    private static byte[] Content(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task An_upload_that_loses_a_byte_is_refused_at_commit_and_removed()
    {
        var (store, honest) = Store(LyingStorage.Lie.DropsTheLastUploadedByte);
        var content = Content(200_000);
        await using var writer = await store.BeginWriteAsync();
        await writer.Content.WriteAsync(content);

        var error = await Assert.ThrowsAsync<StorageIntegrityException>(() => writer.CommitAsync(Digest.Of(content)));

        Assert.Contains("199999 bytes after an upload of 200000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Null(await honest.StatAsync(StorageKeys.Blob(Digest.Of(content)), CancellationToken.None));
    }

    [Fact]
    public async Task A_put_that_stores_other_bytes_is_refused_and_removed()
    {
        var (store, honest) = Store(LyingStorage.Lie.ChangesPutBytes);
        var content = "{\"schemaVersion\":2}"u8.ToArray();

        var error = await Assert.ThrowsAsync<StorageIntegrityException>(() => store.PutAsync(content));

        Assert.Contains("reads back as", error.Message, StringComparison.Ordinal);
        Assert.Null(await honest.StatAsync(StorageKeys.Blob(Digest.Of(content)), CancellationToken.None));
    }

    [Fact]
    public async Task A_small_blob_read_with_changed_bytes_fails_at_its_end_instead_of_passing_as_good()
    {
        var content = Content(10_000);
        await Store(LyingStorage.Lie.ChangesPutBytes).Honest.PutAsync(StorageKeys.Blob(Digest.Of(content)), content, replace: false, CancellationToken.None);
        var (store, _) = Store(LyingStorage.Lie.ChangesReadBytes);

        await using var stream = await store.OpenReadAsync(Digest.Of(content));
        Assert.NotNull(stream);
        var error = await Assert.ThrowsAsync<StorageIntegrityException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains($"hash to sha256:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_that_ends_early_fails_for_a_large_blob_too()
    {
        var content = Content((int)BlobStore.VerifiedReadLimit + 1000);
        await Store(LyingStorage.Lie.ChangesPutBytes).Honest.PutAsync(StorageKeys.Blob(Digest.Of(content)), content, replace: false, CancellationToken.None);
        var (store, _) = Store(LyingStorage.Lie.EndsReadsEarly);

        await using var stream = await store.OpenReadAsync(Digest.Of(content));
        Assert.NotNull(stream);
        var error = await Assert.ThrowsAsync<StorageIntegrityException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains($"ended after {content.Length - 1} of the {content.Length} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_that_ends_early_is_an_integrity_failure_not_a_truncated_record()
    {
        var (store, honest) = Store(LyingStorage.Lie.EndsReadsEarly);
        await honest.PutAsync(StorageKeys.Record("layers/x.json"), "{\"a\":1}"u8.ToArray(), replace: true, CancellationToken.None);

        await Assert.ThrowsAsync<StorageIntegrityException>(() => store.ReadRecordAsync("layers/x.json"));
    }
}
