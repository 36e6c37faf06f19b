using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// The engine's <see cref="IBlobStore"/>, the same over every <see cref="IStorageBackend"/>: it names objects
/// (<see cref="StorageKeys"/>), hashes what is written and publishes it only under the digest it hashes to, checks that
/// the backend then holds as many bytes as were written (and, for small blobs, the same bytes), and hashes small blobs
/// (configs, manifests) read from start to end, so that a backend that loses, adds or changes bytes is caught here
/// rather than trusted.
/// </summary>
/// <remarks>
/// For redirects, blobs found once are remembered (digest and size) for <see cref="KnownBlobLifetime"/>, up to
/// <see cref="MaxKnownBlobs"/>: content-addressed objects do not change, and a cloud backend then saves a round trip on
/// every blob request it redirects. <see cref="StatAsync"/> itself always asks the backend, so that the engine never builds
/// on a blob that is gone; a blob that fails to open or stat is forgotten at once.
/// </remarks>
public sealed partial class BlobStore : IBlobStore
{
    /// <summary>How long a blob found in the backend is taken to be there without asking again.</summary>
    public static readonly TimeSpan KnownBlobLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The most blobs remembered; the memo starts over when full.</summary>
    public const int MaxKnownBlobs = 16_384;

    /// <summary>Records are small (layer index entries, cached images); anything larger is not one of ours.</summary>
    public const int MaxRecordSize = 16 * 1024 * 1024;

    /// <summary>
    /// Blobs up to this size (4 MiB, the size registries allow a manifest) are hashed when read whole. Larger ones are
    /// layers on their way to a client, which checks their digest itself; hashing them here too halved the registry's
    /// throughput for a 200 MB layer (docs/benchmarks.md).
    /// </summary>
    public const long VerifiedReadLimit = 4 * 1024 * 1024;

    private readonly IStorageBackend _backend;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<Digest, (long Size, long Until)> _known = new();

    /// <summary>Creates the store over <paramref name="backend"/>.</summary>
    public BlobStore(IStorageBackend backend, ILogger<BlobStore>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The backend that holds the bytes.</summary>
    public IStorageBackend Backend => _backend;

    /// <inheritdoc />
    public async Task<BlobInfo?> StatAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var found = await StatKeyAsync(StorageKeys.Blob(digest), cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            _known.TryRemove(digest, out _);
            return null;
        }
        Remember(digest, found.Size);
        return new BlobInfo(digest, found.Size);
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var key = StorageKeys.Blob(digest);
        var opened = await _backend.OpenReadAsync(key, 0, cancellationToken).ConfigureAwait(false);
        if (opened is null)
        {
            _known.TryRemove(digest, out _);
            return null;
        }
        return new VerifyingReadStream(this, key, digest, opened, verify: opened.Length <= VerifiedReadLimit);
    }

    /// <inheritdoc />
    public async Task<IBlobWriter> BeginWriteAsync(CancellationToken cancellationToken = default) =>
        new VerifiedBlobWriter(this, await _backend.BeginUploadAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<BlobInfo> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var digest = Digest.Of(content.Span);
        if (await StatAsync(digest, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            if (existing.Size != content.Length)
                throw Integrity(StorageKeys.Blob(digest), $"it holds {existing.Size} bytes, but the content of {digest} is {content.Length} bytes");
            return existing;
        }

        var key = StorageKeys.Blob(digest);
        await _backend.PutAsync(key, content, replace: false, cancellationToken).ConfigureAwait(false);

        // Small blobs are read back whole: cheap, and it proves the backend stored these very bytes.
        var stored = await ReadAllAsync(key, content.Length, cancellationToken).ConfigureAwait(false);
        if (stored is null) throw Integrity(key, "it is missing right after it was written");
        if (!content.Span.SequenceEqual(stored))
        {
            await TryDeleteAsync(key, cancellationToken).ConfigureAwait(false);
            throw Integrity(key, $"it reads back as {stored.Length} bytes that hash to {Digest.Of(stored)}, not as the {content.Length} bytes written");
        }
        Remember(digest, content.Length);
        return new BlobInfo(digest, content.Length);
    }

    /// <inheritdoc />
    public async Task<Uri?> GetRedirectAsync(Digest digest, HttpMethod method, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (_backend is not IStorageRedirects redirects) return null;
        var known = _known.TryGetValue(digest, out var memo) && memo.Until > _time.GetTimestamp();
        if (!known && await StatAsync(digest, cancellationToken).ConfigureAwait(false) is null) return null;
        return await redirects.GetRedirectAsync(StorageKeys.Blob(digest), method, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadRecordAsync(string name, CancellationToken cancellationToken = default) =>
        ReadAllAsync(StorageKeys.Record(name), MaxRecordSize, cancellationToken);

    /// <inheritdoc />
    public Task WriteRecordAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        _backend.PutAsync(StorageKeys.Record(name), content, replace: true, cancellationToken);

    /// <summary>After an upload's commit: the backend must hold exactly as many bytes as were written under the key.</summary>
    internal async Task CheckCommittedAsync(string key, Digest digest, long length, CancellationToken cancellationToken)
    {
        var stored = await StatKeyAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null) throw Integrity(key, "it is missing right after its upload was committed");
        if (stored.Size != length)
        {
            await TryDeleteAsync(key, cancellationToken).ConfigureAwait(false);
            throw Integrity(key, $"it holds {stored.Size} bytes after an upload of {length} bytes was committed");
        }
        Remember(digest, length);
    }

    /// <summary>A blob read from start to end did not hash to its digest, or ended early: never serve it again as good.</summary>
    internal StorageIntegrityException CorruptRead(string key, Digest digest, string problem)
    {
        _known.TryRemove(digest, out _);
        return Integrity(key, problem);
    }

    internal Task<StorageReadResult?> ReopenAsync(string key, long offset, CancellationToken cancellationToken) =>
        _backend.OpenReadAsync(key, offset, cancellationToken);

    private async Task<StoredObject?> StatKeyAsync(string key, CancellationToken cancellationToken)
    {
        if (_backend is IStorageStat stat) return await stat.StatAsync(key, cancellationToken).ConfigureAwait(false);
        var opened = await _backend.OpenReadAsync(key, 0, cancellationToken).ConfigureAwait(false);
        if (opened is null) return null;
        await opened.Content.DisposeAsync().ConfigureAwait(false);
        return new StoredObject(key, opened.Length);
    }

    /// <summary>The whole object, checked to be as long as the backend says; null when there is none.</summary>
    private async Task<byte[]?> ReadAllAsync(string key, long maxLength, CancellationToken cancellationToken)
    {
        var opened = await _backend.OpenReadAsync(key, 0, cancellationToken).ConfigureAwait(false);
        if (opened is null) return null;
        await using (opened.Content.ConfigureAwait(false))
        {
            if (opened.Length > maxLength) throw Integrity(key, $"it holds {opened.Length} bytes, more than the {maxLength} expected");
            var bytes = new byte[opened.Length];
            var read = await opened.Content.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read != bytes.Length) throw Integrity(key, $"it ended after {read} of the {opened.Length} bytes it says it holds");
            var extra = new byte[1];
            if (await opened.Content.ReadAsync(extra, cancellationToken).ConfigureAwait(false) != 0)
                throw Integrity(key, $"it goes on past the {opened.Length} bytes it says it holds");
            return bytes;
        }
    }

    private async Task TryDeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (_backend is not IStorageDeletion deletion) return;
        try
        {
            await deletion.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogDeleteFailed(exception, key);
        }
    }

    private StorageIntegrityException Integrity(string key, string problem)
    {
        NixeryDiagnostics.StorageIntegrityFailures.Add(1);
        var exception = new StorageIntegrityException(key, problem);
        LogIntegrityFailure(key, problem);
        return exception;
    }

    private void Remember(Digest digest, long size)
    {
        if (_known.Count >= MaxKnownBlobs) _known.Clear();
        _known[digest] = (size, _time.GetTimestamp() + (long)(KnownBlobLifetime.TotalSeconds * _time.TimestampFrequency));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage backend integrity failure at {StorageKey}: {Problem}")]
    private partial void LogIntegrityFailure(string storageKey, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete {StorageKey} after an integrity failure")]
    private partial void LogDeleteFailed(Exception exception, string storageKey);
}
