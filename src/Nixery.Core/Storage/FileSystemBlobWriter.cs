using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// A blob being written to a staging file. It becomes visible under its digest only by a rename in
/// <see cref="CommitAsync"/>, after the written bytes were found to hash to that digest.
/// </summary>
/// <remarks>
/// The store deletes staging files whose last write is older than <see cref="FileSystemStorageOptions.StaleStagingAge"/>
/// (an hour by default), taking them for leftovers of a crashed process. A live writer keeps its file's last write time
/// fresh by writing: every time the 64 KiB buffer below fills, the bytes go to the file and the system sets its
/// modification time, so a writer is never more than one buffer's worth of compressed output behind. Writers are fed
/// by layer packing, which reads and compresses store paths as fast as the disk allows; a writer held open without
/// writing for anywhere near the stale age is not a real case. If one were, its file would be swept and its commit
/// would fail on the missing file (nothing is published), rather than anything wrong being stored.
/// </remarks>
internal sealed class FileSystemBlobWriter : IBlobWriter
{
    private readonly FileSystemBlobStore _store;
    private readonly string _stagingPath;
    private readonly FileStream _file;
    private readonly HashingWriteStream _content;
    private readonly bool _flushToDisk;
    private readonly ILogger _logger;
    private bool _closed;

    public FileSystemBlobWriter(FileSystemBlobStore store, string stagingPath, bool flushToDisk, ILogger logger)
    {
        _store = store;
        _stagingPath = stagingPath;
        _flushToDisk = flushToDisk;
        _logger = logger;
        _file = new FileStream(stagingPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 64 * 1024,
        });
        _content = new HashingWriteStream(_file);
    }

    public Stream Content => _content;

    public async Task<BlobInfo> CommitAsync(Digest expected, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _closed = true;
        var actual = Digest.FromHash(_content.GetHashAndReset());
        var size = _content.BytesWritten;
        try
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (_flushToDisk) _file.Flush(flushToDisk: true);
        }
        finally
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            _content.Dispose();
        }

        if (actual != expected)
        {
            TryDelete(_stagingPath);
            throw new DigestMismatchException(expected, actual);
        }

        var target = _store.BlobPath(expected);
        try
        {
            File.Move(_stagingPath, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Another writer published the same content first: same digest, same bytes.
            TryDelete(_stagingPath);
            _logger.LogDebug("Blob {Digest} was already stored; discarded the duplicate", expected);
        }
        catch
        {
            TryDelete(_stagingPath);
            throw;
        }

        return new BlobInfo(expected, size);
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        await _file.DisposeAsync().ConfigureAwait(false);
        _content.Dispose();
        TryDelete(_stagingPath);
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "Could not delete staging file {StagingPath}", path);
        }
    }
}
