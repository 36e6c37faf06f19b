using System.Buffers;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Storage;

namespace Nixery.Storage.S3;

/// <summary>
/// An upload on its way into the bucket, by the SDK's low-level calls with plain payloads (no aws-chunked framing):
/// bytes fill a buffer of <see cref="S3StorageOptions.PartSize"/>. An upload that ends within
/// <see cref="S3StorageOptions.MultipartThreshold"/> is put to its key in one PUT, create-only. A larger one becomes a
/// multipart upload of a <c>staging/</c> object, one part sent while the next fills, each with its MD5 for the store to
/// check; once the store has completed it and it is as long as what was written, it is copied to its key, create-only,
/// and the staging object deleted. Nothing is ever visible under a key unless whole; what an abandoned upload leaves
/// (a multipart upload not completed, a staging object not deleted) is aborted or deleted here, and by the bucket's
/// lifecycle rule when the process dies first.
/// </summary>
internal sealed partial class S3Upload : IStorageUpload
{
    /// <summary>The largest object a single CopyObject may copy; larger ones are copied part by part.</summary>
    private const long MaxSingleCopy = 5L * 1024 * 1024 * 1024;

    private const long CopyPartSize = 1L * 1024 * 1024 * 1024;

    private readonly S3Storage _store;
    private readonly S3StorageOptions _options;
    private readonly ILogger _logger;
    private readonly string _stagingName;
    private readonly List<PartETag> _parts = [];
    private byte[] _buffer;
    private int _filled;
    private long _length;
    private string? _uploadId;
    private Task<PartETag>? _sending;
    private bool _staged;
    private bool _closed;

    public S3Upload(S3Storage store, ILogger logger)
    {
        _store = store;
        _options = store.Options;
        _logger = logger;
        _stagingName = store.StagingName(Guid.NewGuid());
        _buffer = ArrayPool<byte>.Shared.Rent(_options.PartSize);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        cancellationToken.ThrowIfCancellationRequested();
        _length += bytes.Length;
        while (!bytes.IsEmpty)
        {
            var n = Math.Min(bytes.Length, _options.PartSize - _filled);
            bytes.Span[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            bytes = bytes[n..];
            if (_filled == _options.PartSize) await SendPartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task CommitAsync(string key, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var target = _store.ObjectName(key);
        try
        {
            if (_uploadId is null && _filled <= _options.MultipartThreshold)
            {
                if (await _store.HeadAsync(target, cancellationToken).ConfigureAwait(false) is not null) LogAlreadyStored(target);
                else if (await _store.PutWholeAsync(target, _buffer.AsMemory(0, _filled), createOnly: true, cancellationToken).ConfigureAwait(false))
                    LogStored(target, _length, "one PUT");
                return;
            }

            if (_filled > 0 || _parts.Count == 0 && _sending is null) await SendPartAsync(cancellationToken).ConfigureAwait(false);
            if (_sending is not null) _parts.Add(await TakeSendingAsync().ConfigureAwait(false));
            await _store.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = _stagingName,
                UploadId = _uploadId,
                PartETags = _parts,
            }, cancellationToken).ConfigureAwait(false);
            _staged = true;

            var staged = await _store.HeadAsync(_stagingName, cancellationToken).ConfigureAwait(false);
            if (staged?.ContentLength != _length)
                throw new S3StorageException("CompleteMultipartUpload", _stagingName,
                    $"the staged object holds {staged?.ContentLength.ToString() ?? "nothing"} bytes, not the {_length} bytes sent; nothing was published");
            if (await _store.HeadAsync(target, cancellationToken).ConfigureAwait(false) is not null)
            {
                LogAlreadyStored(target);
                return;
            }
            await CopyAsync(target, cancellationToken).ConfigureAwait(false);
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
        if (_sending is not null)
        {
            try
            {
                await TakeSendingAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
            {
                // The upload is abandoned anyway.
            }
        }
        ReturnBuffer();
        if (_uploadId is null && !_staged) return;

        // Nothing reached a key from here on; clean up what reached the bucket (the lifecycle rule catches what this misses).
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (_staged) await _store.DeleteObjectAsync(_stagingName, cleanup.Token).ConfigureAwait(false);
            else
            {
                S3Diagnostics.Abandoned.Add(1);
                await _store.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = _stagingName, UploadId = _uploadId },
                    cleanup.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
        {
            LogCleanupFailed(e, _stagingName);
        }
    }

    /// <summary>Sends the buffer as the next part (starting the multipart upload first); the previous part must have arrived.</summary>
    private async Task SendPartAsync(CancellationToken cancellationToken)
    {
        if (_uploadId is null)
        {
            var started = await _store.Client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = _stagingName, ContentType = S3Storage.ContentType }, cancellationToken)
                .ConfigureAwait(false);
            _uploadId = started.UploadId;
        }
        if (_sending is not null) _parts.Add(await TakeSendingAsync().ConfigureAwait(false));

        var buffer = _buffer;
        var count = _filled;
        var number = _parts.Count + 1;
        _buffer = ArrayPool<byte>.Shared.Rent(_options.PartSize);
        _filled = 0;
        _sending = UploadPartAsync(buffer, count, number, cancellationToken);
    }

    private async Task<PartETag> UploadPartAsync(byte[] buffer, int count, int number, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _store.Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _options.Bucket,
                Key = _stagingName,
                UploadId = _uploadId,
                PartNumber = number,
                InputStream = new MemoryStream(buffer, 0, count, writable: false),
                PartSize = count,
                MD5Digest = Convert.ToBase64String(MD5.HashData(buffer.AsSpan(0, count))),
                UseChunkEncoding = false,
            }, cancellationToken).ConfigureAwait(false);
            S3Diagnostics.BytesUploaded.Add(count);
            return new PartETag(number, response.ETag);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<PartETag> TakeSendingAsync()
    {
        var sending = _sending!;
        _sending = null;
        return await sending.ConfigureAwait(false);
    }

    /// <summary>Copies the staging object to <paramref name="target"/>, create-only; larger than 5 GiB by parts.</summary>
    private async Task CopyAsync(string target, CancellationToken cancellationToken)
    {
        var client = _store.Client;
        try
        {
            if (_length <= MaxSingleCopy)
            {
                var copy = new CopyObjectRequest
                {
                    SourceBucket = _options.Bucket,
                    SourceKey = _stagingName,
                    DestinationBucket = _options.Bucket,
                    DestinationKey = target,
                    ContentType = S3Storage.ContentType,
                    MetadataDirective = S3MetadataDirective.REPLACE,
                };
                if (_options.UseConditionalWrites) copy.IfNoneMatch = "*";
                await client.CopyObjectAsync(copy, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CopyByPartsAsync(client, target, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (AmazonS3Exception e) when (S3Storage.IsAlreadyThere(e))
        {
            LogAlreadyStored(target);
            return;
        }
        var copied = await _store.HeadAsync(target, cancellationToken).ConfigureAwait(false);
        if (copied?.ContentLength != _length)
            throw new S3StorageException("CopyObject", target, $"the copy holds {copied?.ContentLength.ToString() ?? "nothing"} bytes, not {_length}");
        LogStored(target, _length, "a multipart upload and a copy");
    }

    private async Task CopyByPartsAsync(IAmazonS3 client, string target, CancellationToken cancellationToken)
    {
        var started = await client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = target, ContentType = S3Storage.ContentType }, cancellationToken).ConfigureAwait(false);
        var completed = false;
        try
        {
            var parts = new List<PartETag>();
            for (long first = 0; first < _length; first += CopyPartSize)
            {
                var part = await client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _options.Bucket,
                    SourceKey = _stagingName,
                    DestinationBucket = _options.Bucket,
                    DestinationKey = target,
                    UploadId = started.UploadId,
                    PartNumber = parts.Count + 1,
                    FirstByte = first,
                    LastByte = Math.Min(first + CopyPartSize, _length) - 1,
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
            }
            var complete = new CompleteMultipartUploadRequest { BucketName = _options.Bucket, Key = target, UploadId = started.UploadId, PartETags = parts };
            if (_options.UseConditionalWrites) complete.IfNoneMatch = "*";
            await client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
            completed = true;
        }
        finally
        {
            if (!completed)
                await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = target, UploadId = started.UploadId },
                    CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {ObjectName} ({Size} bytes) by {Method}")]
    private partial void LogStored(string objectName, long size, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ObjectName} was already stored; kept the existing object")]
    private partial void LogAlreadyStored(string objectName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clean up {ObjectName}; the bucket's lifecycle rule for staging/ will")]
    private partial void LogCleanupFailed(Exception exception, string objectName);
}
