namespace Nixery.Abstractions.Storage;

/// <summary>Optional capability of an <see cref="IStorageBackend"/>: deleting objects (for garbage collection).</summary>
public interface IStorageDeletion
{
    /// <summary>Deletes the object at <paramref name="key"/>; false when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);
}
