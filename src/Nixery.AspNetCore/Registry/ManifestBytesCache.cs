using System.Collections.Concurrent;
using Nixery.Abstractions.Storage;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// The bytes of manifests served recently, by digest, so that a warm manifest request is answered from memory instead
/// of opening the blob store per request. A digest names its bytes for good, so an entry never goes stale; the cache
/// only bounds how many it keeps (a few KiB each), starting over when full.
/// </summary>
internal sealed class ManifestBytesCache(int capacity)
{
    private readonly ConcurrentDictionary<Digest, (byte[] Bytes, string MediaType)> _entries = new();

    public bool TryGet(Digest digest, out byte[] bytes, out string mediaType)
    {
        var found = _entries.TryGetValue(digest, out var entry);
        (bytes, mediaType) = found ? entry : ([], "");
        return found;
    }

    public void Add(Digest digest, byte[] bytes, string mediaType)
    {
        if (capacity <= 0) return;
        if (_entries.Count >= capacity) _entries.Clear();
        _entries[digest] = (bytes, mediaType);
    }
}
