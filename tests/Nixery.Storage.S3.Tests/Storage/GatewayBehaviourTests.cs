using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Nixery.Abstractions.Storage;
using Nixery.Storage.S3.Tests.Support;

namespace Nixery.Storage.S3.Tests.Storage;

/// <summary>
/// What the backend relies on the store for, shown against the RADOS Gateway: create-only puts refused by the store
/// itself (not only by the backend's look first), what it does with a create-only copy, presigned URLs whose signature is checked, and uploads that leave no
/// staging object and no multipart upload behind, whether committed or abandoned.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayBehaviourTests(RadosGateway gateway)
{
    [Fact]
    public async Task The_store_itself_refuses_a_create_only_put_over_an_existing_object()
    {
        var bucket = await gateway.CreateBucketAsync();
        using var storage = Stores.Storage(gateway.Endpoint, bucket);
        Assert.True(await storage.PutWholeAsync("records/x", Encoding.UTF8.GetBytes("first"), createOnly: false, CancellationToken.None));

        // Straight to the PUT with If-None-Match: *, past the backend's HEAD.
        Assert.False(await storage.PutWholeAsync("records/x", Encoding.UTF8.GetBytes("second"), createOnly: true, CancellationToken.None));

        var read = await storage.OpenReadAsync("records/x", 0, CancellationToken.None);
        using var reader = new StreamReader(read!.Content);
        Assert.Equal("first", await reader.ReadToEndAsync());
    }

    /// <summary>
    /// Measured gap: Ceph 16.2's gateway ignores <c>If-None-Match: *</c> on CopyObject (AWS honours it), so the copy
    /// replaces. The backend looks for the digest key before it copies, so only writers of the same blob racing each
    /// other can both copy, and they copy the same bytes. This test fails once the gateway enforces it.
    /// </summary>
    [Fact]
    public async Task The_gateway_ignores_a_create_only_condition_on_copy()
    {
        var bucket = await gateway.CreateBucketAsync();
        using var client = Stores.Client(gateway.Endpoint);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a", UseChunkEncoding = false });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "b", UseChunkEncoding = false });

        await client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "a", DestinationBucket = bucket, DestinationKey = "b", IfNoneMatch = "*",
        });

        using var b = await client.GetObjectAsync(bucket, "b");
        using var reader = new StreamReader(b.ResponseStream);
        Assert.Equal("a", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task The_store_refuses_bytes_that_do_not_match_their_content_md5()
    {
        var bucket = await gateway.CreateBucketAsync();
        using var client = Stores.Client(gateway.Endpoint);
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "x", ContentBody = "these bytes", UseChunkEncoding = false,
            MD5Digest = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes("other bytes"))),
        }));
        Assert.Equal("BadDigest", refused.ErrorCode);
        Assert.Empty(await Stores.KeysAsync(gateway.Endpoint, bucket));
    }

    [Fact]
    public async Task A_presigned_url_works_until_it_is_tampered_with()
    {
        var bucket = await gateway.CreateBucketAsync();
        using var storage = Stores.Storage(gateway.Endpoint, bucket);
        var blobs = new Nixery.Core.Storage.BlobStore(storage);
        var info = await blobs.PutAsync(Encoding.UTF8.GetBytes("{\"a\":1}"));
        var url = await storage.GetRedirectAsync(StorageKeys.Blob(info.Digest), HttpMethod.Get, CancellationToken.None);
        Assert.Contains("X-Amz-Signature=", url!.Query, StringComparison.Ordinal);
        var expires = System.Text.RegularExpressions.Regex.Match(url.Query, "X-Amz-Expires=([0-9]+)");
        Assert.InRange(int.Parse(expires.Groups[1].Value), 295, 301); // 5 minutes (measured: the SDK rounds up to 301)

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode);
        var other = url.ToString().Replace(info.Digest.Hex, new string('0', 64), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(other)).StatusCode);
        var longer = url.ToString().Replace(expires.Value, "X-Amz-Expires=3000", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(longer)).StatusCode);
    }

    [Fact]
    public async Task A_committed_multipart_upload_leaves_only_its_blob_and_an_abandoned_one_leaves_nothing()
    {
        var bucket = await gateway.CreateBucketAsync();
        using var storage = Stores.Storage(gateway.Endpoint, bucket, o =>
        {
            o.PartSize = S3StorageOptions.MinimumPartSize;
            o.MultipartThreshold = 0;
        });
        var content = Stores.RandomBytes(11 * 1024 * 1024 + 7, 3);
        var key = StorageKeys.Blob(Digest.Of(content));
        await using (var upload = await storage.BeginUploadAsync(CancellationToken.None))
        {
            await upload.WriteAsync(content, CancellationToken.None);
            await upload.CommitAsync(key, CancellationToken.None);
        }
        await using (var abandoned = await storage.BeginUploadAsync(CancellationToken.None))
            await abandoned.WriteAsync(Stores.RandomBytes(6 * 1024 * 1024, 4), CancellationToken.None);

        Assert.Equal([key], await Stores.KeysAsync(gateway.Endpoint, bucket));
        Assert.Empty(await Stores.PendingUploadsAsync(gateway.Endpoint, bucket));
        Assert.Equal(content.Length, (await storage.StatAsync(key, CancellationToken.None))!.Size);
    }
}
