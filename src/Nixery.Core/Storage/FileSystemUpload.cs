using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// An upload to a staging file of <see cref="FileSystemStorage"/>. It becomes visible under its key only by a rename in
/// <see cref="CommitAsync"/>.
/// </summary>
/// <remarks>
/// The backend deletes staging files whose last write is older than <see cref="FileSystemStorageOptions.StaleStagingAge"/>
/// (an hour by default), taking them for leftovers of a crashed process. A live upload keeps its file's last write time
/// fresh by writing: every time the 64 KiB buffer below fills, the bytes go to the file and the system sets its
/// modification time. Uploads are fed by layer packing, which reads and compresses store paths as fast as the disk allows;
/// an upload held open without writing for anywhere near the stale age is not a real case. If one were, its file would be
/// swept and its commit would fail on the missing file (nothing is published), rather than anything wrong being stored.
/// </remarks>
internal sealed class FileSystemUpload : IStorageUpload
{
    private readonly FileSystemStorage _storage;
    private readonly string _stagingPath;
    private readonly FileStream _file;
    private readonly bool _flushToDisk;
    private readonly ILogger _logger;
    private bool _closed;

    public FileSystemUpload(FileSystemStorage storage, string stagingPath, bool flushToDisk, ILogger logger)
    {
        _storage = storage;
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
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return _file.WriteAsync(bytes, cancellationToken);
    }

    public async Task CommitAsync(string key, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var target = _storage.PathOf(key, cancellationToken);
        _closed = true;
        try
        {
            try
            {
                await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (_flushToDisk) _file.Flush(flushToDisk: true);
            }
            finally
            {
                await _file.DisposeAsync().ConfigureAwait(false);
            }
            if (!_storage.Publish(_stagingPath, target, replace: false))
                _logger.LogDebug("{StorageKey} was already stored; discarded the duplicate", key);
        }
        catch
        {
            TryDelete(_stagingPath);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        await _file.DisposeAsync().ConfigureAwait(false);
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
