using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Google;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Storage;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace Nixery.Storage.Gcs;

/// <summary>
/// An upload on its way into the bucket, through the storage library. The first
/// <see cref="GcsStorageOptions.ResumableThreshold"/> bytes are held in memory: an upload that ends within them is
/// created under its key in one upload, only if absent (<c>ifGenerationMatch=0</c>), its checksums checked by Cloud
/// Storage. A larger one is streamed, through a bounded pipe, into the library's resumable upload of a <c>staging/</c>
/// object in <see cref="GcsStorageOptions.ChunkSize"/> chunks (the library resends what a failed chunk did not persist);
/// once that object is complete and as long as what was written, it is copied to its key, only if absent, and the
/// staging object deleted. Either way nothing is ever visible under a key unless complete; the engine decides whether it
/// is committed at all.
/// </summary>
internal sealed partial class GcsUpload : IStorageUpload
{
    private const int PauseAt = 1024 * 1024;

    private readonly GcsStorage _store;
    private readonly StorageClient _client;
    private readonly GcsStorageOptions _options;
    private readonly ILogger _logger;
    private readonly string _stagingName;
    private readonly CancellationTokenSource _abort = new();
    private byte[] _head;
    private int _filled;
    private long _length;
    private Pipe? _pipe;
    private Task<StorageObject>? _staging;
    private StorageObject? _staged;
    private bool _closed;

    public GcsUpload(GcsStorage store, StorageClient client, GcsStorageOptions options, ILogger logger)
    {
        _store = store;
        _client = client;
        _options = options;
        _logger = logger;
        _stagingName = store.StagingName(Guid.NewGuid());
        _head = ArrayPool<byte>.Shared.Rent(Math.Max(1, options.ResumableThreshold));
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        cancellationToken.ThrowIfCancellationRequested();
        _length += bytes.Length;
        if (_pipe is null)
        {
            if (_filled + bytes.Length <= _options.ResumableThreshold)
            {
                bytes.Span.CopyTo(_head.AsSpan(_filled));
                _filled += bytes.Length;
                return;
            }
            StartStaging();
            await SendAsync(_head.AsMemory(0, _filled), cancellationToken).ConfigureAwait(false);
        }
        await SendAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    public async Task CommitAsync(string key, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var target = _store.ObjectName(key);
        try
        {
            if (_pipe is null)
            {
                try
                {
                    await _store.UploadWholeAsync(_client, target, _head.AsMemory(0, _filled), ifGenerationMatch: 0, cancellationToken).ConfigureAwait(false);
                    LogStored(target, _length, "one upload");
                }
                catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
                {
                    // Already stored: same name, same content.
                    LogAlreadyStored(target);
                }
                return;
            }

            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
            StorageObject staged;
            using (cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort))
                staged = await _staging!.ConfigureAwait(false);
            _staged = staged;
            if (GcsStorage.SizeOf(staged) != _length)
                throw new GcsStorageException("objects.insert", _stagingName, HttpStatusCode.OK,
                    $"the staged object holds {GcsStorage.SizeOf(staged)} bytes, not the {_length} bytes sent");
            await CopyAsync(staged, target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        ArrayPool<byte>.Shared.Return(_head);
        _head = [];
        if (_staging is not null)
        {
            // An upload not finished is abandoned: the library's session never completes, so no object appears.
            await _abort.CancelAsync().ConfigureAwait(false);
            await _pipe!.Writer.CompleteAsync(new OperationCanceledException("the upload was abandoned")).ConfigureAwait(false);
            try
            {
                _staged ??= await _staging.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or GoogleApiException or HttpRequestException or IOException)
            {
                // Nothing was finished, so there is nothing to delete.
            }
        }
        _abort.Dispose();

        if (_staged is null) return;
        // Nothing reached a key from here on; clean up what reached staging/ (a lifecycle rule catches what this misses).
        try
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _store.DeleteAsync(_client, _stagingName, _staged.Generation, cleanup.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GoogleApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            LogCleanupFailed(exception, _stagingName);
        }
    }

    /// <summary>Starts the library's resumable upload of the staging object, reading from the pipe as bytes come.</summary>
    private void StartStaging()
    {
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: PauseAt / 2, useSynchronizationContext: false));
        var source = _pipe.Reader.AsStream();
        var upload = new UploadObjectOptions
        {
            IfGenerationMatch = 0,
            ChunkSize = _options.ChunkSize,
            UploadValidationMode = UploadValidationMode.RejectAndThrow,
        };
        _staging = Task.Run(async () =>
        {
            try
            {
                return await _client.UploadObjectAsync(_options.Bucket, _stagingName, GcsStorage.ContentType, source, upload, _abort.Token).ConfigureAwait(false);
            }
            finally
            {
                // Whatever happened, the writer must not wait for a reader that is gone.
                await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
        });
    }

    /// <summary>Hands bytes to the staging upload; when the upload has ended early, its failure is this write's.</summary>
    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (bytes.IsEmpty) return;
        var result = await _pipe!.Writer.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (!result.IsCompleted) return;
        await _staging!.ConfigureAwait(false);
        throw new GcsStorageException("objects.insert", _stagingName, HttpStatusCode.OK, "the resumable upload finished before all its bytes were written");
    }

    private async Task CopyAsync(StorageObject staged, string target, CancellationToken cancellationToken)
    {
        try
        {
            var copy = new CopyObjectOptions { SourceGeneration = staged.Generation, IfGenerationMatch = 0, RetryOptions = _store.Retry };
            var copied = await _client.CopyObjectAsync(_options.Bucket, _stagingName, _options.Bucket, target, copy, cancellationToken).ConfigureAwait(false);
            if (GcsStorage.SizeOf(copied) != GcsStorage.SizeOf(staged))
                throw new GcsStorageException("objects.rewrite", target, HttpStatusCode.OK, $"the copied object holds {GcsStorage.SizeOf(copied)} bytes, not {GcsStorage.SizeOf(staged)}");
            LogStored(target, _length, "a resumable upload and a copy");
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            LogAlreadyStored(target);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {ObjectName} ({Size} bytes) by {Method}")]
    private partial void LogStored(string objectName, long size, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ObjectName} was already stored; kept the existing object")]
    private partial void LogAlreadyStored(string objectName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clean up {ObjectName}; the bucket's lifecycle rule for staging/ will")]
    private partial void LogCleanupFailed(Exception exception, string objectName);
}
