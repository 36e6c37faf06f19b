using Microsoft.Extensions.Logging;

namespace Nixery.Storage.Gcs.Api;

/// <summary>
/// A read-only view of one generation of an object that fetches its bytes lazily with <c>Range</c> requests. It seeks
/// (a new request from the new position), so the registry can serve client ranges from it, and when the connection
/// breaks mid-body it asks again from where it stopped, pinned to the same generation, so the bytes never mix versions.
/// </summary>
internal sealed partial class GcsReadStream(GcsJsonClient client, GcsObject item, ILogger logger) : Stream
{
    private HttpResponseMessage? _response;
    private Stream? _body;
    private long _position;
    private int _resumes;
    private RetryPolicy.Backoff? _backoff;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => item.Size;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => item.Size + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position) CloseBody();
        _position = target;
        return target;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= item.Size) return 0;
        while (true)
        {
            try
            {
                if (_body is null)
                {
                    _response = await client.OpenMediaAsync(item.Name, item.Generation, _position, cancellationToken).ConfigureAwait(false)
                        ?? throw new FileNotFoundException($"gs://{client.Bucket}/{item.Name} generation {item.Generation} is no longer stored");
                    _body = await _response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                }
                var read = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0 && _position < item.Size)
                    throw new IOException($"the download of {item.Name} ended at byte {_position} of {item.Size}");
                _position += read;
                return read;
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested
                                              && _resumes < client.Retry.Options.MaxAttempts)
            {
                // A broken body: ask again from here (objects.get is idempotent), after the usual backoff.
                _resumes++;
                CloseBody();
                LogResume(item.Name, _position, item.Size, _resumes, exception.Message);
                _backoff ??= new RetryPolicy.Backoff(client.Retry.Options);
                await client.Retry.WaitAsync(_backoff, "objects.get", item.Name, _resumes, exception, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) CloseBody();
        base.Dispose(disposing);
    }

    private void CloseBody()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download of {ObjectName} broke at byte {Position} of {Size} (resume {Resume}: {Failure}); asking again from there")]
    private partial void LogResume(string objectName, long position, long size, int resume, string failure);
}
