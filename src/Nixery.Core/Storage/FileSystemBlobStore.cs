using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// A content-addressed blob store in a local directory: blobs at <c>&lt;root&gt;/blobs/sha256/&lt;hex&gt;</c>, records at
/// <c>&lt;root&gt;/records/&lt;name&gt;</c>, and files being written in <c>&lt;root&gt;/staging/</c> (on the same filesystem,
/// so that publishing is an atomic rename). A blob is never visible half-written or under a wrong digest.
/// Staging files left by a process that died mid-write are deleted once older than
/// <see cref="FileSystemStorageOptions.StaleStagingAge"/>: on the store's first use, and again on a use once that age
/// has passed since the previous sweep.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private static readonly SearchValues<char> RecordNameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-");

    private readonly string _blobs;
    private readonly string _records;
    private readonly string _staging;
    private readonly bool _flushToDisk;
    private readonly ILogger<FileSystemBlobStore> _logger;
    private readonly StagingSweeper _sweeper;
    private readonly TimeProvider _time;
    private readonly TimeSpan _sweepInterval;
    private long _lastSweep;
    private bool _swept;
    private int _sweeping;

    /// <summary>Creates the store, and its directories when they do not exist yet.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FileSystemStorageOptions.StaleStagingAge"/> is not positive.</exception>
    public FileSystemBlobStore(IOptions<FileSystemStorageOptions> options, ILogger<FileSystemBlobStore> logger)
        : this(options, logger, TimeProvider.System, File.Delete)
    {
    }

    /// <summary>Creates the store with a clock and a file deletion of the caller's (tests use them to sweep on cue and to fail deletions).</summary>
    internal FileSystemBlobStore(
        IOptions<FileSystemStorageOptions> options, ILogger<FileSystemBlobStore> logger, TimeProvider time, Action<string> deleteStagingFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.Path))
            throw new ArgumentException("FileSystemStorageOptions.Path must name a directory", nameof(options));
        if (value.StaleStagingAge <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), value.StaleStagingAge, "FileSystemStorageOptions.StaleStagingAge must be positive");
        var root = System.IO.Path.GetFullPath(value.Path);
        _blobs = System.IO.Path.Combine(root, "blobs", "sha256");
        _records = System.IO.Path.Combine(root, "records");
        _staging = System.IO.Path.Combine(root, "staging");
        _flushToDisk = value.FlushToDisk;
        _logger = logger;
        Directory.CreateDirectory(_blobs);
        Directory.CreateDirectory(_records);
        Directory.CreateDirectory(_staging);
        Root = root;
        _time = time;
        _sweepInterval = value.StaleStagingAge;
        _sweeper = new StagingSweeper(_staging, value.StaleStagingAge, time, deleteStagingFile, logger);
    }

    /// <summary>The absolute root directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public Task<BlobInfo?> StatAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SweepStagingIfDue(cancellationToken);
        var file = new FileInfo(BlobPath(digest));
        return Task.FromResult(file.Exists ? new BlobInfo(digest, file.Length) : null);
    }

    /// <inheritdoc />
    /// <remarks>The stream is a seekable, asynchronous <see cref="FileStream"/>, so ranges can be served from it.</remarks>
    public Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SweepStagingIfDue(cancellationToken);
        try
        {
            Stream stream = new FileStream(BlobPath(digest), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 64 * 1024,
            });
            return Task.FromResult<Stream?>(stream);
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public Task<IBlobWriter> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SweepStagingIfDue(cancellationToken);
        IBlobWriter writer = new FileSystemBlobWriter(this, NewStagingPath(), _flushToDisk, _logger);
        return Task.FromResult(writer);
    }

    /// <inheritdoc />
    public async Task<byte[]?> ReadRecordAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = RecordPath(name);
        SweepStagingIfDue(cancellationToken);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The name is not relative, contains <c>..</c> or characters outside [A-Za-z0-9._/-].</exception>
    public async Task WriteRecordAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = RecordPath(name);
        SweepStagingIfDue(cancellationToken);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var staging = NewStagingPath();
        try
        {
            await using (var file = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (_flushToDisk) file.Flush(flushToDisk: true);
            }

            File.Move(staging, path, overwrite: true);
        }
        catch
        {
            File.Delete(staging);
            throw;
        }
    }

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

    internal string BlobPath(Digest digest)
    {
        if (digest.Hex is null) throw new ArgumentException("an uninitialised digest", nameof(digest));
        return System.IO.Path.Combine(_blobs, digest.Hex);
    }

    private string NewStagingPath() => System.IO.Path.Combine(_staging, Guid.NewGuid().ToString("N") + ".tmp");

    private string RecordPath(string name)
    {
        ValidateRecordName(name);
        return System.IO.Path.Combine(_records, name);
    }

    /// <summary>Throws unless <paramref name="name"/> is a relative path of [A-Za-z0-9._-] segments, none empty, "." or "..".</summary>
    internal static void ValidateRecordName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 1024 || name.AsSpan().ContainsAnyExcept(RecordNameChars))
            throw new ArgumentException($"invalid record name '{name}': use a relative path of [A-Za-z0-9._/-]", nameof(name));
        foreach (var segment in name.Split('/'))
            if (segment is "" or "." or "..")
                throw new ArgumentException($"invalid record name '{name}': empty, '.' or '..' segment", nameof(name));
    }
}
