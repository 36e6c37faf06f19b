using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// A storage backend in a local directory: each key is a file under <see cref="Root"/> (so blobs are at
/// <c>blobs/sha256/&lt;hex&gt;</c> and records at <c>records/&lt;name&gt;</c>), and files being written are in
/// <c>staging/</c> on the same file system, so that publishing is an atomic rename. Staging files left by a process that
/// died mid-write are deleted once older than <see cref="FileSystemStorageOptions.StaleStagingAge"/>: on the backend's
/// first use, and again on a use once that age has passed since the previous sweep.
/// </summary>
public sealed class FileSystemStorage : IStorageBackend, IStorageStat, IStorageDeletion, IStorageListing
{
    private const string StagingDirectoryName = "staging";

    private readonly string _staging;
    private readonly bool _flushToDisk;
    private readonly ILogger<FileSystemStorage> _logger;
    private readonly StagingSweeper _sweeper;
    private readonly TimeProvider _time;
    private readonly TimeSpan _sweepInterval;
    private long _lastSweep;
    private bool _swept;
    private int _sweeping;

    /// <summary>Creates the backend, and its directory when it does not exist yet.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FileSystemStorageOptions.StaleStagingAge"/> is not positive.</exception>
    public FileSystemStorage(IOptions<FileSystemStorageOptions> options, ILogger<FileSystemStorage> logger)
        : this(options, logger, TimeProvider.System, File.Delete)
    {
    }

    /// <summary>Creates the backend with a clock and a file deletion of the caller's (tests use them to sweep on cue and to fail deletions).</summary>
    internal FileSystemStorage(
        IOptions<FileSystemStorageOptions> options, ILogger<FileSystemStorage> logger, TimeProvider time, Action<string> deleteStagingFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.Path))
            throw new ArgumentException("FileSystemStorageOptions.Path must name a directory", nameof(options));
        if (value.StaleStagingAge <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), value.StaleStagingAge, "FileSystemStorageOptions.StaleStagingAge must be positive");
        Root = System.IO.Path.GetFullPath(value.Path);
        _staging = System.IO.Path.Combine(Root, StagingDirectoryName);
        _flushToDisk = value.FlushToDisk;
        _logger = logger;
        Directory.CreateDirectory(_staging);
        _time = time;
        _sweepInterval = value.StaleStagingAge;
        _sweeper = new StagingSweeper(_staging, value.StaleStagingAge, time, deleteStagingFile, logger);
    }

    /// <summary>The absolute root directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    /// <remarks>The stream is a seekable, asynchronous <see cref="FileStream"/>.</remarks>
    public Task<StorageReadResult?> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var path = PathOf(key, cancellationToken);
        FileStream stream;
        try
        {
            stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 64 * 1024,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<StorageReadResult?>(null);
        }
        var length = stream.Length;
        if (offset > 0) stream.Position = Math.Min(offset, length);
        return Task.FromResult<StorageReadResult?>(new StorageReadResult(stream, length));
    }

    /// <inheritdoc />
    public Task<IStorageUpload> BeginUploadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SweepStagingIfDue(cancellationToken);
        IStorageUpload upload = new FileSystemUpload(this, NewStagingPath(), _flushToDisk, _logger);
        return Task.FromResult(upload);
    }

    /// <inheritdoc />
    public async Task<bool> PutAsync(string key, ReadOnlyMemory<byte> content, bool replace, CancellationToken cancellationToken)
    {
        var path = PathOf(key, cancellationToken);
        if (!replace && File.Exists(path)) return false;
        var staging = NewStagingPath();
        try
        {
            await using (var file = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (_flushToDisk) file.Flush(flushToDisk: true);
            }
            return Publish(staging, path, replace);
        }
        catch
        {
            File.Delete(staging);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key, cancellationToken));
        return Task.FromResult(file.Exists ? new StoredObject(key, file.Length, file.LastWriteTimeUtc) : null);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key, cancellationToken);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        // Walk only the deepest directory the prefix names; keys are relative paths with '/' separators.
        var slash = prefix.LastIndexOf('/');
        var directory = slash < 0 ? Root : System.IO.Path.Combine(Root, prefix[..slash]);
        if (!Directory.Exists(directory)) yield break;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = System.IO.Path.GetRelativePath(Root, file.FullName).Replace(System.IO.Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || IsStaging(key) || !StorageKeys.IsValid(key)) continue;
            yield return new StoredObject(key, file.Length, file.LastWriteTimeUtc);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Moves a finished staging file to <paramref name="path"/>; false when <paramref name="replace"/> is off and a file is there.</summary>
    internal bool Publish(string staging, string path, bool replace)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        try
        {
            File.Move(staging, path, overwrite: replace);
            return true;
        }
        catch (IOException) when (!replace && File.Exists(path))
        {
            // Another writer published the same key first: keys name content, so it holds the same bytes.
            File.Delete(staging);
            return false;
        }
    }

    /// <summary>The file of <paramref name="key"/>; sweeps staging when due.</summary>
    internal string PathOf(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        StorageKeys.ThrowIfInvalid(key);
        if (IsStaging(key)) throw new ArgumentException($"the key '{key}' is in the backend's own staging directory", nameof(key));
        SweepStagingIfDue(cancellationToken);
        return System.IO.Path.Combine(Root, key);
    }

    private static bool IsStaging(string key) =>
        key.StartsWith(StagingDirectoryName + "/", StringComparison.Ordinal) || key == StagingDirectoryName;

    /// <summary>
    /// Sweeps stale staging files on the first use, and on a use once the stale age has passed since the last sweep
    /// (so that the leftovers of an instance that crashed while this one runs go too). One caller sweeps; callers
    /// meanwhile go on without waiting, as the sweep only deletes files no live writer uses. A cancelled sweep is
    /// retried on the next use.
    /// </summary>
    private void SweepStagingIfDue(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _swept) && _time.GetElapsedTime(Volatile.Read(ref _lastSweep)) < _sweepInterval) return;
        if (Interlocked.Exchange(ref _sweeping, 1) != 0) return;
        try
        {
            if (Volatile.Read(ref _swept) && _time.GetElapsedTime(Volatile.Read(ref _lastSweep)) < _sweepInterval) return;
            _sweeper.Sweep(cancellationToken);
            Volatile.Write(ref _lastSweep, _time.GetTimestamp());
            Volatile.Write(ref _swept, true);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private string NewStagingPath() => System.IO.Path.Combine(_staging, Guid.NewGuid().ToString("N") + ".tmp");
}
