using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Nixery.Storage.Azure;

/// <summary>The SDK's service client as the options describe it, and where its credential comes from.</summary>
internal static class AzureClientFactory
{
    /// <summary>The client, and the Entra ID credential it uses (null when it signs with an account key).</summary>
    public static (BlobServiceClient Client, TokenCredential? Credential) Create(AzureBlobStorageOptions options)
    {
        var clientOptions = ClientOptions(options);

        if (!string.IsNullOrWhiteSpace(options.ConnectionString)) return (new BlobServiceClient(options.ConnectionString, clientOptions), null);
        var url = ServiceUrl(options);
        if (!string.IsNullOrEmpty(options.AccountKey))
            return (new BlobServiceClient(url, new StorageSharedKeyCredential(AccountNameOf(options, url), options.AccountKey), clientOptions), null);
        var credential = new DefaultAzureCredential();
        return (new BlobServiceClient(url, credential, clientOptions), credential);
    }

    /// <summary>The SDK's client settings: retries, timeouts, MD5 on every upload.</summary>
    public static BlobClientOptions ClientOptions(AzureBlobStorageOptions options)
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        // Azure checks each block and put against its MD5, so bytes altered on the way are refused, not stored.
        clientOptions.TransferValidation.Upload.ChecksumAlgorithm = StorageChecksumAlgorithm.MD5;
        return clientOptions;
    }

    /// <summary>The blob service's URL: <see cref="AzureBlobStorageOptions.AccountUrl"/>, else the public cloud's for the account.</summary>
    public static Uri ServiceUrl(AzureBlobStorageOptions options) =>
        options.AccountUrl ?? new Uri($"https://{options.AccountName}.blob.core.windows.net/");

    /// <summary>Why the SDK cannot read <paramref name="connectionString"/>, or null (never repeating the string: it holds a key).</summary>
    public static string? ConnectionStringProblem(string connectionString)
    {
        try
        {
            _ = new BlobServiceClient(connectionString);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return e.GetType().Name;
        }
    }

    private static string AccountNameOf(AzureBlobStorageOptions options, Uri url) =>
        !string.IsNullOrEmpty(options.AccountName) ? options.AccountName : new BlobUriBuilder(url).AccountName;
}
