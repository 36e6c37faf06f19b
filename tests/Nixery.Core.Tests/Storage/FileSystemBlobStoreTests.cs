using System.Text;
using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;
using Nixery.Core.Tests.Packing;

namespace Nixery.Core.Tests.Storage;

public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FileSystemBlobStore _store;

    public FileSystemBlobStoreTests() => _store = PackingFixture.Store(_temp.Path);

    public void Dispose() => _temp.Dispose();

    private string[] Blobs() => Directory.GetFiles(_temp.Combine("blobs", "sha256"));

    private string[] Staging() => Directory.GetFiles(_temp.Combine("staging"));

    [Fact]
    public async Task A_committed_blob_is_stored_under_its_digest_and_reads_back()
    {
        var content = Encoding.UTF8.GetBytes("hello blob");
        await using (var writer = await _store.BeginWriteAsync())
        {
            await writer.Content.WriteAsync(content);
            var info = await writer.CommitAsync(Digest.Of(content));
            Assert.Equal(new BlobInfo(Digest.Of(content), content.Length), info);
        }

        Assert.Equal(new BlobInfo(Digest.Of(content), content.Length), await _store.StatAsync(Digest.Of(content)));
        await using var read = await _store.OpenReadAsync(Digest.Of(content));
        Assert.NotNull(read);
        Assert.True(read.CanSeek);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
        Assert.Empty(Staging());
    }

    [Fact]
    public async Task Commit_with_a_wrong_digest_throws_and_leaves_no_blob_and_no_staging_file()
    {
        var content = Encoding.UTF8.GetBytes("real content");
        var wrong = Digest.Of("other content"u8);
        await using var writer = await _store.BeginWriteAsync();
        await writer.Content.WriteAsync(content);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => writer.CommitAsync(wrong));

        Assert.Equal(Digest.Of(content), error.Actual);
        Assert.Empty(Blobs());
        Assert.Empty(Staging());
        Assert.Null(await _store.StatAsync(wrong));
        Assert.Null(await _store.StatAsync(Digest.Of(content)));
    }

    [Fact]
    public async Task An_abandoned_writer_leaves_nothing()
    {
        await using (var writer = await _store.BeginWriteAsync())
        {
            await writer.Content.WriteAsync(new byte[100_000]);
            Assert.Single(Staging());
        }

        Assert.Empty(Blobs());
        Assert.Empty(Staging());
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_content_both_succeed()
    {
        var content = new byte[1 << 20];
        new Random(7).NextBytes(content);
        var digest = Digest.Of(content);
        var one = await _store.BeginWriteAsync();
        var two = await _store.BeginWriteAsync();
        await Task.WhenAll(one.Content.WriteAsync(content).AsTask(), two.Content.WriteAsync(content).AsTask());

        var results = await Task.WhenAll(one.CommitAsync(digest), two.CommitAsync(digest));
        await one.DisposeAsync();
        await two.DisposeAsync();

        Assert.All(results, r => Assert.Equal(new BlobInfo(digest, content.Length), r));
        Assert.Single(Blobs());
        Assert.Empty(Staging());
        Assert.Equal(content, await File.ReadAllBytesAsync(Blobs()[0]));
    }

    [Fact]
    public async Task Missing_blobs_and_records_are_null()
    {
        Assert.Null(await _store.StatAsync(Digest.Of("nothing"u8)));
        Assert.Null(await _store.OpenReadAsync(Digest.Of("nothing"u8)));
        Assert.Null(await _store.ReadRecordAsync("layers/none.json"));
    }

    [Fact]
    public async Task A_record_round_trips_and_is_replaced_by_a_later_write()
    {
        await _store.WriteRecordAsync("layers/abc.json", "{\"v\":1}"u8.ToArray());
        Assert.Equal("{\"v\":1}"u8.ToArray(), await _store.ReadRecordAsync("layers/abc.json"));

        await _store.WriteRecordAsync("layers/abc.json", "{\"v\":2}"u8.ToArray());
        Assert.Equal("{\"v\":2}"u8.ToArray(), await _store.ReadRecordAsync("layers/abc.json"));
        Assert.True(File.Exists(_temp.Combine("records", "layers", "abc.json")));
        Assert.Empty(Staging());
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
    public async Task Invalid_record_names_are_rejected(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.WriteRecordAsync(name, "x"u8.ToArray()));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.ReadRecordAsync(name));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Combine("records")));
    }
}
