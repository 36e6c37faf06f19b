using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Core.Storage;

namespace Nixery.Storage.Azure.Tests.Support;

/// <summary>Backends and SDK clients on Azurite, as the backend makes them, with the development account's key.</summary>
internal static class Stores
{
    public static AzureBlobStorageOptions Options(string connectionString, string container, Action<AzureBlobStorageOptions>? configure = null)
    {
        var options = new AzureBlobStorageOptions { ConnectionString = connectionString, ContainerName = container, MaxRetries = 6 };
        configure?.Invoke(options);
        return options;
    }

    public static AzureBlobStorage Storage(Azurite azurite, string container, Action<AzureBlobStorageOptions>? configure = null) =>
        new(Options(azurite.ConnectionString(), container, configure), null, NullLogger<AzureBlobStorage>.Instance);

    public static BlobStore Store(Azurite azurite, string container, Action<AzureBlobStorageOptions>? configure = null) => new(Storage(azurite, container, configure));

    /// <summary>The container as the SDK sees it, directly on the emulator.</summary>
    public static BlobContainerClient Container(Azurite azurite, string container) =>
        new BlobServiceClient(azurite.ConnectionString()).GetBlobContainerClient(container);

    /// <summary>Every committed blob's name in the container.</summary>
    public static async Task<List<string>> NamesAsync(Azurite azurite, string container)
    {
        var names = new List<string>();
        await foreach (var item in Container(azurite, container).GetBlobsAsync(new GetBlobsOptions())) names.Add(item.Name);
        return names;
    }

    /// <summary>
    /// Blobs that have uncommitted blocks and nothing committed (what an upload cut short leaves): the listing with
    /// uncommitted blobs, less the committed ones.
    /// </summary>
    public static async Task<List<string>> UncommittedAsync(Azurite azurite, string container)
    {
        var committed = (await NamesAsync(azurite, container)).ToHashSet(StringComparer.Ordinal);
        var names = new List<string>();
        await foreach (var item in Container(azurite, container).GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
            if (!committed.Contains(item.Name)) names.Add(item.Name);
        return names;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
