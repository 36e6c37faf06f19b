namespace Nixery.Abstractions.Storage;

/// <summary>
/// Optional capability of an <see cref="IStorageBackend"/>: the size of an object without opening it. Without it the
/// engine opens the object and reads its length.
/// </summary>
public interface IStorageStat
{
    /// <summary>The object at <paramref name="key"/>, or null when there is none.</summary>
    Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken);
}
