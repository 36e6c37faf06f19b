using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;

namespace Nixery.Core.Tests.Storage;

/// <summary>A real file-system backend that breaks its word in one chosen way, to show that the engine catches it.</summary>
internal sealed class LyingStorage(FileSystemStorage inner, LyingStorage.Lie lie) : IStorageBackend, IStorageStat, IStorageDeletion
{
    public enum Lie
    {
        /// <summary>An upload keeps all but its last byte.</summary>
        DropsTheLastUploadedByte,
        /// <summary>A small put stores other bytes of the same length.</summary>
        ChangesPutBytes,
        /// <summary>Reads give a changed first byte.</summary>
        ChangesReadBytes,
        /// <summary>Reads end one byte early.</summary>
        EndsReadsEarly,
    }

    public async Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        var opened = await inner.OpenReadAsync(key, offset, cancellationToken);
        if (opened is null || lie is not (Lie.ChangesReadBytes or Lie.EndsReadsEarly)) return opened;
        using var copy = new MemoryStream();
        await using (opened.Content) await opened.Content.CopyToAsync(copy, cancellationToken);
        var bytes = copy.ToArray();
        if (lie == Lie.ChangesReadBytes && bytes.Length > 0) bytes[0] ^= 0xFF;
        if (lie == Lie.EndsReadsEarly && bytes.Length > 0) bytes = bytes[..^1];
        return new StorageReadResult(new MemoryStream(bytes), opened.Length);
    }

    public async Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken) =>
        lie == Lie.DropsTheLastUploadedByte ? new Truncating(await inner.BeginUploadAsync(cancellationToken)) : await inner.BeginUploadAsync(cancellationToken);

    public Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken)
    {
        if (lie != Lie.ChangesPutBytes || content.Length == 0) return inner.PutAsync(key, content, replace, cancellationToken);
        var changed = content.ToArray();
        changed[^1] ^= 0xFF;
        return inner.PutAsync(key, changed, replace, cancellationToken);
    }

    public Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken) => inner.StatAsync(key, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    /// <summary>Holds back the last byte written and never sends it.</summary>
    private sealed class Truncating(IStorageUpload upload) : IStorageUpload
    {
        private byte[] _held = [];

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            if (bytes.Length == 0) return;
            if (_held.Length > 0) await upload.WriteAsync(_held, cancellationToken);
            await upload.WriteAsync(bytes[..^1], cancellationToken);
            _held = [bytes.Span[^1]];
        }

        public Task CommitAsync(string key, CancellationToken cancellationToken) => upload.CommitAsync(key, cancellationToken);

        public ValueTask DisposeAsync() => upload.DisposeAsync();
    }
}
