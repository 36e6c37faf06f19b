using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Core.Storage;

namespace Nixery.Storage.S3.Tests.Support;

/// <summary>Backends and SDK clients on a given endpoint, as the backend makes them, with the gateway's user.</summary>
internal static class Stores
{
    public static S3StorageOptions Options(Uri endpoint, string bucket, Action<S3StorageOptions>? configure = null)
    {
        var options = new S3StorageOptions
        {
            Bucket = bucket,
            ServiceUrl = endpoint,
            AccessKeyId = RadosGateway.AccessKey,
            SecretAccessKey = RadosGateway.SecretKey,
            MaxRetries = 6,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The SDK's client as the backend makes it.</summary>
    public static IAmazonS3 Client(Uri endpoint, Action<S3StorageOptions>? configure = null) => S3ClientFactory.Create(Options(endpoint, "unused", configure));

    public static S3Storage Storage(Uri endpoint, string bucket, Action<S3StorageOptions>? configure = null) =>
        new(Options(endpoint, bucket, configure), null, NullLogger<S3Storage>.Instance);

    public static BlobStore Store(Uri endpoint, string bucket, Action<S3StorageOptions>? configure = null) => new(Storage(endpoint, bucket, configure));

    /// <summary>Every object's key in the bucket, listed by the SDK.</summary>
    public static async Task<List<string>> KeysAsync(Uri endpoint, string bucket)
    {
        using var client = Client(endpoint);
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true) return keys;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>Multipart uploads started and neither completed nor aborted.</summary>
    public static async Task<List<string>> PendingUploadsAsync(Uri endpoint, string bucket)
    {
        using var client = Client(endpoint);
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        return [.. (uploads.MultipartUploads ?? []).Select(u => u.Key)];
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
