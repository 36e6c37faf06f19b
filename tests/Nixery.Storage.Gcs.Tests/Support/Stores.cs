using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Core.Storage;
using Nixery.Storage.Gcs.Credentials;
using Nixery.Storage.Gcs.Http;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>Backends and library clients on a given endpoint, with fast retries so that fault tests take milliseconds.</summary>
internal static class Stores
{
    public static GcsRetryOptions FastRetries(int attempts = 6) => new()
    {
        MaxAttempts = attempts,
        InitialBackoff = TimeSpan.FromMilliseconds(5),
        MaxBackoff = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The HTTP clients the backend gives the Google libraries, on a plain handler (IAM calls sent to <paramref name="iam"/>).</summary>
    public static Google.Apis.Http.IHttpClientFactory Http(Uri? iam = null, RequestLog? log = null) => GcsHttpClientFactory.Create(() =>
    {
        HttpMessageHandler handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        return log is null ? handler : log.Handler(handler);
    }, iam);

    /// <summary>The storage library's client of <paramref name="endpoint"/>, as the backend makes it (no credentials, as for an emulator).</summary>
    public static StorageClient Client(Uri endpoint, GcsRetryOptions? retry = null, RequestLog? log = null) =>
        GcsStorage.CreateClient(endpoint, new LoadedCredentials(null, "none (tests)", ForStorage: false), retry ?? FastRetries(), Http(log: log));

    /// <summary>The backend on a ready connection to <paramref name="endpoint"/>.</summary>
    public static GcsStorage Storage(Uri endpoint, string bucket, Action<GcsStorageOptions>? configure = null, GcsSigner? signer = null,
        RequestLog? log = null, Microsoft.Extensions.Logging.ILogger<GcsStorage>? logger = null)
    {
        var options = new GcsStorageOptions { Bucket = bucket, Retry = FastRetries() };
        configure?.Invoke(options);
        var connection = new GcsConnection(Client(endpoint, options.Retry, log), endpoint, new LoadedCredentials(null, "none (tests)", false), signer,
            signer is null ? "no signer in this test" : null);
        return new GcsStorage(options, connection, logger ?? NullLogger<GcsStorage>.Instance);
    }

    /// <summary>The engine's blob store over <see cref="Storage"/>, as the registry uses it.</summary>
    public static BlobStore Store(Uri endpoint, string bucket, Action<GcsStorageOptions>? configure = null, GcsSigner? signer = null) =>
        new(Storage(endpoint, bucket, configure, signer));

    /// <summary>The library's local signer with Google's dummy key.</summary>
    public static GcsSigner KeySigner()
    {
        var account = GcsTestData.DummyAccount();
        return new GcsSigner(UrlSigner.FromCredential(account), account.Id, ThroughIam: false);
    }

    /// <summary>The names of every object in the bucket under <paramref name="prefix"/>, listed by the library.</summary>
    public static async Task<List<string>> NamesAsync(Uri endpoint, string bucket, string prefix = "")
    {
        var names = new List<string>();
        await foreach (var item in Client(endpoint).ListObjectsAsync(bucket, prefix)) names.Add(item.Name);
        return names;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
