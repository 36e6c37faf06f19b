using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;
using Nixery.Storage.Testing;

namespace Nixery.Core.Tests.Storage;

/// <summary>The storage conformance kit against the file-system backend, plus what only a directory can show: no staging file is left.</summary>
public sealed class FileSystemStorageConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly TempDirectory _temp = new();

    protected override StorageCapabilities Capabilities =>
        StorageCapabilities.Stat | StorageCapabilities.Deletion | StorageCapabilities.Listing;

    protected override Task<IStorageBackend> CreateStorageAsync() =>
        Task.FromResult<IStorageBackend>(new FileSystemStorage(
            Options.Create(new FileSystemStorageOptions { Path = _temp.Path, FlushToDisk = false }), NullLogger<FileSystemStorage>.Instance));

    public void Dispose() => _temp.Dispose();

    private string[] Staging() => Directory.GetFiles(_temp.Combine("staging"));

    [Fact]
    public async Task Committed_mismatched_and_abandoned_uploads_leave_no_staging_file()
    {
        var content = Bytes(100_000, 1);
        await using (var writer = await Blobs.BeginWriteAsync())
        {
            await writer.Content.WriteAsync(content);
            Assert.Single(Staging());
            await writer.CommitAsync(Digest.Of(content));
        }
        await using (var writer = await Blobs.BeginWriteAsync())
        {
            await writer.Content.WriteAsync(content);
            await Assert.ThrowsAsync<DigestMismatchException>(() => writer.CommitAsync(Digest.Of("other"u8)));
        }
        await using (var writer = await Blobs.BeginWriteAsync())
        {
            await writer.Content.WriteAsync(content);
        }
        await Blobs.WriteRecordAsync("layers/x.json", "{}"u8.ToArray());

        Assert.Empty(Staging());
        Assert.True(File.Exists(_temp.Combine("blobs", "sha256", Digest.Of(content).Hex)));
        Assert.True(File.Exists(_temp.Combine("records", "layers", "x.json")));
    }

    [Fact]
    public async Task Keys_in_the_staging_directory_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.PutAsync("staging/x.tmp", "x"u8.ToArray(), replace: true, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.OpenReadAsync("staging/x.tmp", 0, CancellationToken.None));
    }
}
