using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Core.Storage;
using Nixery.Storage.Gcs.Api;
using Nixery.Storage.Gcs.Credentials;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>Stores and clients on a given endpoint, with fast retries so that fault tests take milliseconds.</summary>
internal static class Stores
{
    public static GcsRetryOptions FastRetries(int attempts = 6) => new()
    {
        MaxAttempts = attempts,
        InitialBackoff = TimeSpan.FromMilliseconds(5),
        MaxBackoff = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(30),
    };

    public static GcsJsonClient Client(Uri endpoint, string bucket, GcsRetryOptions? retry = null) =>
        new(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, endpoint, bucket, null,
            new RetryPolicy(retry ?? FastRetries(), NullLogger.Instance));

    /// <summary>The backend on a ready connection to <paramref name="endpoint"/>.</summary>
    public static GcsStorage Storage(Uri endpoint, string bucket, Action<GcsStorageOptions>? configure = null, Nixery.Storage.Gcs.Signing.IUrlSigner? signer = null)
    {
        var options = new GcsStorageOptions { Bucket = bucket, Retry = FastRetries() };
        configure?.Invoke(options);
        var client = Client(endpoint, bucket, options.Retry);
        return new GcsStorage(options, new GcsConnection(client, null, signer, "none (tests)"), NullLogger<GcsStorage>.Instance);
    }

    /// <summary>The engine's blob store over <see cref="Storage"/>, as the registry uses it.</summary>
    public static BlobStore Store(Uri endpoint, string bucket, Action<GcsStorageOptions>? configure = null, Nixery.Storage.Gcs.Signing.IUrlSigner? signer = null) =>
        new(Storage(endpoint, bucket, configure, signer));

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
