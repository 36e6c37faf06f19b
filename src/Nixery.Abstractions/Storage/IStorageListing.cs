namespace Nixery.Abstractions.Storage;

/// <summary>Optional capability of an <see cref="IStorageBackend"/>: listing objects (for inventories and garbage collection).</summary>
public interface IStorageListing
{
    /// <summary>
    /// Every committed object whose key starts with <paramref name="prefix"/>, in any order, each once; uploads not
    /// committed are not listed. Backends page through their store's listing as needed.
    /// </summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);
}
