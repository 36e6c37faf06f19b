using System.Net;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Azure.Tests.Support;

namespace Nixery.Storage.Azure.Tests.Storage;

/// <summary>
/// What the backend relies on Azurite (standing in for Azure) to do, measured: create-only writes refused, SAS URLs
/// read-only, bounded to 5 minutes and refused when altered, and uploads that leave only their blob.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteBehaviourTests(Azurite azurite)
{
    [Fact]
    public async Task Azurite_refuses_a_create_only_put_block_list_commit_and_copy_onto_an_existing_blob()
    {
        var container = Stores.Container(azurite, await azurite.CreateContainerAsync());
        await container.GetBlobClient("x").UploadAsync(BinaryData.FromString("first"));
        var again = await Assert.ThrowsAsync<RequestFailedException>(() =>
            container.GetBlobClient("x").UploadAsync(BinaryData.FromString("second"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
        Assert.True(AzureBlobStorage.IsAlreadyThere(again), $"{again.Status} {again.ErrorCode}");
        var block = container.GetBlockBlobClient("x");
        await block.StageBlockAsync("YQ==", new MemoryStream("third"u8.ToArray()));
        var commit = await Assert.ThrowsAsync<RequestFailedException>(() =>
            block.CommitBlockListAsync(["YQ=="], new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
        Assert.True(AzureBlobStorage.IsAlreadyThere(commit), $"{commit.Status} {commit.ErrorCode}");
        await container.GetBlobClient("y").UploadAsync(BinaryData.FromString("copied"));
        var copy = await Assert.ThrowsAsync<RequestFailedException>(() => container.GetBlobClient("x").StartCopyFromUriAsync(container.GetBlobClient("y").Uri,
            new BlobCopyFromUriOptions { DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
        Assert.True(AzureBlobStorage.IsAlreadyThere(copy), $"{copy.Status} {copy.ErrorCode}");
        Assert.Equal("first", (await container.GetBlobClient("x").DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task A_sas_redirect_reads_for_five_minutes_and_a_tampered_one_is_refused()
    {
        var name = await azurite.CreateContainerAsync("sas");
        var store = Stores.Store(azurite, name);
        var info = await store.PutAsync("hello, sas"u8.ToArray(), CancellationToken.None);
        var storage = Stores.Storage(azurite, name);
        var url = (await storage.GetRedirectAsync(StorageKeys.Blob(info.Digest), HttpMethod.Get, CancellationToken.None))!;
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("r", query["sp"]);
        var expires = DateTimeOffset.Parse(query["se"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1));

        using var http = new HttpClient();
        Assert.Equal("hello, sas", await http.GetStringAsync(url));
        using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url))) Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        var other = url.ToString().Replace(info.Digest.Hex, new string('0', 64), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(other)).StatusCode);
        var longer = url.ToString().Replace("se=" + Uri.EscapeDataString(query["se"]!), "se=" + Uri.EscapeDataString(expires.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)), StringComparison.Ordinal);
        Assert.NotEqual(url.ToString(), longer);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(longer)).StatusCode);
        var writable = url.ToString().Replace("sp=r", "sp=rw", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(writable)).StatusCode);
        using var put = await http.PutAsync(url, new ByteArrayContent("overwrite"u8.ToArray()) { Headers = { { "x-ms-blob-type", "BlockBlob" } } });
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
    }

    [Fact]
    public async Task An_upload_whose_connection_is_cut_every_time_fails_and_leaves_nothing_under_its_digest()
    {
        var name = await azurite.CreateContainerAsync("cut");
        await using var proxy = await Nixery.Testing.FaultInjectingProxy.StartAsync(new Uri(azurite.AccountUrl.GetLeftPart(UriPartial.Authority)));
        proxy.CutRequestBody(request => request.Query["comp"] == "block", bytes: 8 * 1024, count: 1000);
        var storage = new AzureBlobStorage(Stores.Options(azurite.ConnectionString(proxy.Endpoint), name, o =>
        {
            o.BlockSize = AzureBlobStorageOptions.MinimumBlockSize;
            o.MaxRetries = 1;
        }), null, Microsoft.Extensions.Logging.Abstractions.NullLogger<AzureBlobStorage>.Instance);
        var content = Stores.RandomBytes(3 * AzureBlobStorageOptions.MinimumBlockSize, 5);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var upload = await storage.BeginUploadAsync(CancellationToken.None);
            await upload.WriteAsync(content, CancellationToken.None);
            await upload.CommitAsync(StorageKeys.Blob(Digest.Of(content)), CancellationToken.None);
        });
        Assert.InRange(proxy.PendingFaults, 0, 998); // the first block and its retry were cut
        Assert.Empty(await Stores.NamesAsync(azurite, name));
        Assert.Null(await Stores.Storage(azurite, name).StatAsync(StorageKeys.Blob(Digest.Of(content)), CancellationToken.None));
    }

    [Fact]
    public async Task A_staged_upload_leaves_only_its_blob_and_an_abandoned_one_nothing_committed()
    {
        var name = await azurite.CreateContainerAsync();
        var storage = Stores.Storage(azurite, name, o => o.BlockSize = AzureBlobStorageOptions.MinimumBlockSize);
        var content = Stores.RandomBytes(5 * AzureBlobStorageOptions.MinimumBlockSize + 7, 3);
        var key = StorageKeys.Blob(Digest.Of(content));
        await using (var upload = await storage.BeginUploadAsync(CancellationToken.None))
        {
            await upload.WriteAsync(content, CancellationToken.None);
            await upload.CommitAsync(key, CancellationToken.None);
        }
        await using (var abandoned = await storage.BeginUploadAsync(CancellationToken.None))
            await abandoned.WriteAsync(Stores.RandomBytes(3 * AzureBlobStorageOptions.MinimumBlockSize, 4), CancellationToken.None);

        Assert.Equal([key], await Stores.NamesAsync(azurite, name));
        // Only the abandoned upload's staging blob has (uncommitted) blocks; nothing under a digest name does.
        var uncommitted = Assert.Single(await Stores.UncommittedAsync(azurite, name));
        Assert.StartsWith("staging/", uncommitted, StringComparison.Ordinal);
        Assert.Equal(content.Length, (await storage.StatAsync(key, CancellationToken.None))!.Size);
        var properties = (await Stores.Container(azurite, name).GetBlobClient(key).GetPropertiesAsync()).Value;
        Assert.Equal(CopyStatus.Success, properties.CopyStatus);
    }
}
