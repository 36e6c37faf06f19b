using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Nixery.Abstractions.Storage;

namespace MyRegistry;

/// <summary>Blobs and records in this process's memory, gone when it stops: for demos and tests.</summary>
public sealed class MemoryStorage : IStorageBackend, IStorageStat, IStorageDeletion, IStorageListing
{
    private readonly ConcurrentDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);

    public Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        if (!_objects.TryGetValue(key, out var bytes)) return Task.FromResult<StorageReadResult?>(null);
        var start = (int)Math.Min(offset, bytes.Length);
        var rest = new MemoryStream(bytes, start, bytes.Length - start, writable: false);
        return Task.FromResult<StorageReadResult?>(new StorageReadResult(rest, bytes.Length));
    }

    public Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IStorageUpload>(new Upload(_objects));

    public Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken)
    {
        if (!replace) return Task.FromResult(_objects.TryAdd(key, content.ToArray()));
        _objects[key] = content.ToArray();
        return Task.FromResult(true);
    }

    public Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_objects.TryGetValue(key, out var bytes) ? new StoredObject(key, bytes.Length) : null);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => Task.FromResult(_objects.TryRemove(key, out _));

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var (key, bytes) in _objects)
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return new StoredObject(key, bytes.Length);
        await Task.CompletedTask;
    }

    // Bytes gather in memory and become visible, whole, only at the commit.
    private sealed class Upload(ConcurrentDictionary<string, byte[]> objects) : IStorageUpload
    {
        private readonly MemoryStream _buffer = new();

        public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => _buffer.WriteAsync(bytes, cancellationToken);

        public Task CommitAsync(string key, CancellationToken cancellationToken)
        {
            objects.TryAdd(key, _buffer.ToArray()); // a key names content: an object already there holds the same bytes
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => _buffer.DisposeAsync();
    }
}
