using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// A content-addressed blob store in a local directory: blobs at <c>&lt;root&gt;/blobs/sha256/&lt;hex&gt;</c>, records at
/// <c>&lt;root&gt;/records/&lt;name&gt;</c>, and files being written in <c>&lt;root&gt;/staging/</c> (on the same filesystem,
/// so that publishing is an atomic rename). A blob is never visible half-written or under a wrong digest.
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

    /// <summary>Creates the store, and its directories when they do not exist yet.</summary>
    public FileSystemBlobStore(IOptions<FileSystemStorageOptions> options, ILogger<FileSystemBlobStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.Path))
            throw new ArgumentException("FileSystemStorageOptions.Path must name a directory", nameof(options));
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
    }

    /// <summary>The absolute root directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public Task<BlobInfo?> StatAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(BlobPath(digest));
        return Task.FromResult(file.Exists ? new BlobInfo(digest, file.Length) : null);
    }

    /// <inheritdoc />
    /// <remarks>The stream is a seekable, asynchronous <see cref="FileStream"/>, so ranges can be served from it.</remarks>
    public Task<Stream?> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
        IBlobWriter writer = new FileSystemBlobWriter(this, NewStagingPath(), _flushToDisk, _logger);
        return Task.FromResult(writer);
    }

    /// <inheritdoc />
    public async Task<byte[]?> ReadRecordAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = RecordPath(name);
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
