using Nixery.Abstractions;

namespace Nixery.Storage.Azure;

/// <summary>Azure Blob Storage answered in a way the backend cannot use (a copy that failed, a read without its length).</summary>
public sealed class AzureStorageException(string operation, string blobName, string message, Exception? inner = null)
    : NixeryException($"Azure Blob Storage {operation} of '{blobName}': {message}", inner)
{
    /// <summary>The blob concerned.</summary>
    public string BlobName { get; } = blobName;
}
