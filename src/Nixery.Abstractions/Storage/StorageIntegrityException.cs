namespace Nixery.Abstractions.Storage;

/// <summary>
/// A storage backend did not keep what it was given: an object holds other bytes, or another length, than the engine wrote
/// or than its digest names. The engine finds this out itself, so a faulty backend cannot publish or serve wrong content.
/// </summary>
public sealed class StorageIntegrityException(string key, string problem)
    : NixeryException($"the storage backend does not hold what it should under '{key}': {problem}")
{
    /// <summary>The object's key.</summary>
    public string Key { get; } = key;
}
