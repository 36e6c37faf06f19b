using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Api;

namespace Nixery.Storage.Gcs;

/// <summary>
/// An upload on its way into the bucket. Bytes are hashed with MD5 (for Cloud Storage's own check of what arrived) and
/// held in one chunk-sized buffer. An upload that ends within <see cref="GcsStorageOptions.ResumableThreshold"/> is created
/// under its key in one request, only if absent. A larger one goes chunk by chunk into a resumable upload of a
/// <c>staging/</c> object (resumed from the confirmed offset after a failure), is checked when complete (size and MD5), and
/// is then rewritten to its key, only if absent, and the staging object deleted. Either way nothing is ever visible under
/// a key unless complete; the engine decides whether it is committed at all.
/// </summary>
internal sealed partial class GcsUpload : IStorageUpload
{
    private readonly GcsStorage _store;
    private readonly GcsJsonClient _client;
    private readonly GcsStorageOptions _options;
    private readonly ILogger _logger;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly string _stagingName;
    private byte[] _buffer;
    private int _filled;
    private long _bufferOffset;
    private long _length;
    private Uri? _session;
    private GcsObject? _staged;
    private bool _closed;

    public GcsUpload(GcsStorage store, GcsJsonClient client, GcsStorageOptions options, ILogger logger)
    {
        _store = store;
        _client = client;
        _options = options;
        _logger = logger;
        _stagingName = store.StagingName(Guid.NewGuid());
        _buffer = ArrayPool<byte>.Shared.Rent(options.ChunkSize);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _md5.AppendData(buffer.Span);
        _length += buffer.Length;
        while (buffer.Length > 0)
        {
            var room = _options.ChunkSize - _filled;
            var take = Math.Min(room, buffer.Length);
            buffer.Span[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _options.ChunkSize) await SendChunkAsync(final: false, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task CommitAsync(string key, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var md5 = _md5.GetHashAndReset();
        var target = _store.ObjectName(key);
        try
        {
            if (_session is null && _length <= _options.ResumableThreshold)
            {
                await CreateIfAbsentAsync(target, md5, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var staged = await SendChunkAsync(final: true, cancellationToken).ConfigureAwait(false)
                    ?? throw new GcsStorageException("objects.insert", _stagingName, HttpStatusCode.OK, "the last request of a resumable upload did not finish it");
                _staged = staged;
                if (staged.Size != _length || (staged.Md5Hash is { } serverMd5 && serverMd5 != Convert.ToBase64String(md5)))
                    throw new GcsStorageException("objects.insert", _stagingName, HttpStatusCode.OK,
                        $"the staged object holds {staged.Size} bytes with MD5 {staged.Md5Hash}, not the {_length} bytes with MD5 {Convert.ToBase64String(md5)} sent");
                await MoveAsync(staged, target, cancellationToken).ConfigureAwait(false);
            }
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
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _md5.Dispose();
        // Nothing reached a digest name; clean up what reached staging/ (a lifecycle rule catches what this misses).
        try
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (_staged is not null) await _client.DeleteAsync(_stagingName, _staged.Generation, cleanup.Token).ConfigureAwait(false);
            else if (_session is not null) await _client.CancelResumableAsync(_session, _stagingName, cleanup.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GcsStorageException or HttpRequestException or IOException or OperationCanceledException)
        {
            LogCleanupFailed(exception, _stagingName);
        }
    }

    private async Task CreateIfAbsentAsync(string target, byte[] md5, CancellationToken cancellationToken)
    {
        try
        {
            await _client.InsertAsync(target, _buffer.AsMemory(0, _filled), ifGenerationMatch: 0, md5, null, cancellationToken).ConfigureAwait(false);
            LogStored(target, _length, "one request");
        }
        catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            // Already stored: same name, same digest, same bytes.
            LogAlreadyStored(target);
        }
    }

    private async Task MoveAsync(GcsObject staged, string target, CancellationToken cancellationToken)
    {
        try
        {
            var moved = await _client.RewriteAsync(_stagingName, staged.Generation, target, ifGenerationMatch: 0, null, cancellationToken).ConfigureAwait(false);
            if (moved.Size != staged.Size)
                throw new GcsStorageException("objects.rewrite", target, HttpStatusCode.OK, $"the rewritten object holds {moved.Size} bytes, not {staged.Size}");
            LogStored(target, _length, "a resumable upload and a rewrite");
        }
        catch (GcsStorageException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            LogAlreadyStored(target);
        }
    }

    /// <summary>
    /// Sends the buffer to the resumable session (starting it first if needed), as the last request when
    /// <paramref name="final"/>. After a transient failure it asks the session how much it holds and goes on from there.
    /// Returns the finished object after the last request, else null; what the session did not take stays buffered.
    /// </summary>
    private async Task<GcsObject?> SendChunkAsync(bool final, CancellationToken cancellationToken)
    {
        _session ??= await _client.StartResumableAsync(_stagingName, ifGenerationMatch: 0, null, cancellationToken).ConfigureAwait(false);
        long? total = final ? _length : null;
        var backoff = new RetryPolicy.Backoff(_client.Retry.Options);
        var failures = 0;
        while (true)
        {
            ResumableStatus status;
            var failed = false;
            try
            {
                status = await _client.PutChunkAsync(_session, _stagingName, _buffer.AsMemory(0, _filled), _bufferOffset, total, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception exception) when (RetryPolicy.IsTransient(exception, cancellationToken)
                                              && ++failures < _client.Retry.Options.MaxAttempts)
            {
                failed = true;
                await _client.Retry.WaitAsync(backoff, "objects.insert", _stagingName, failures, exception, cancellationToken).ConfigureAwait(false);
                status = await _client.QueryResumableAsync(_session, _stagingName, total, cancellationToken).ConfigureAwait(false);
                LogResumed(_stagingName, status.Completed is null ? status.Persisted : _length, _bufferOffset + _filled);
            }

            if (status.Completed is { } done)
            {
                if (!final) throw new GcsStorageException("objects.insert", _stagingName, HttpStatusCode.OK, "the resumable upload finished before its last request");
                return done;
            }

            var consumed = status.Persisted - _bufferOffset;
            if (consumed < 0 || consumed > _filled)
                throw new GcsStorageException("objects.insert", _stagingName, (HttpStatusCode)308,
                    $"the session holds {status.Persisted} bytes, outside the {_bufferOffset}..{_bufferOffset + _filled} this upload can resend from");
            if (consumed > 0)
            {
                _buffer.AsSpan((int)consumed, _filled - (int)consumed).CopyTo(_buffer);
                _filled -= (int)consumed;
                _bufferOffset = status.Persisted;
                backoff = new RetryPolicy.Backoff(_client.Retry.Options);
                if (!final) return null;
            }
            else if (!failed && ++failures >= _client.Retry.Options.MaxAttempts)
            {
                throw new GcsStorageException("objects.insert", _stagingName, (HttpStatusCode)308,
                    $"the session took none of the bytes from {_bufferOffset} on after {failures} attempts");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {ObjectName} ({Size} bytes) by {Method}")]
    private partial void LogStored(string objectName, long size, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ObjectName} was already stored; kept the existing object")]
    private partial void LogAlreadyStored(string objectName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumable upload {ObjectName}: the session confirmed {Persisted} of {Sent} bytes; resuming from there")]
    private partial void LogResumed(string objectName, long persisted, long sent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clean up {ObjectName}; the bucket's lifecycle rule for staging/ will")]
    private partial void LogCleanupFailed(Exception exception, string objectName);
}
