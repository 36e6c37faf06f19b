namespace Nixery.Abstractions.Storage;

/// <summary>An object in a storage backend, as stat and listing report it.</summary>
/// <param name="Key">Its key.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="LastModified">When it was written, when the backend knows (garbage collection keeps young objects).</param>
public sealed record StoredObject(string Key, long Size, DateTimeOffset? LastModified = null);
