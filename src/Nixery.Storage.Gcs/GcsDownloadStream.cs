using System.IO.Pipelines;
using System.Net.Http.Headers;
using Google.Cloud.Storage.V1;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace Nixery.Storage.Gcs;

/// <summary>
/// One generation of an object from an offset to its end, as a stream: the library's <c>DownloadObjectAsync</c> writes
/// into a pipe (a bounded buffer) in the background while the caller reads from it. Disposing stops the download. The
/// library does not resume a download whose connection breaks mid-body (5.0.0); this does, from the first byte not yet
/// delivered, pinned to the same generation, after the configured backoff, as often as the retry settings allow.
/// </summary>
internal sealed class GcsDownloadStream : Stream
{
    private const int PauseAt = 1024 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: PauseAt / 2, useSynchronizationContext: false));
    private readonly CancellationTokenSource _stop = new();
    private readonly Stream _reader;
    private Task _download = Task.CompletedTask;
    private bool _disposed;

    private GcsDownloadStream() => _reader = _pipe.Reader.AsStream();

    public static GcsDownloadStream Start(StorageClient client, StorageObject item, long offset, GcsRetryOptions retry)
    {
        var stream = new GcsDownloadStream();
        stream._download = stream.RunAsync(client, item, offset, retry);
        return stream;
    }

    private async Task RunAsync(StorageClient client, StorageObject item, long offset, GcsRetryOptions retry)
    {
        await Task.Yield();
        var destination = new CountingStream(_pipe.Writer.AsStream(leaveOpen: true));
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var from = offset + destination.Written;
                // Only a download of the whole object can be checked against its hashes (the engine hashes whole reads itself).
                var options = from > 0
                    ? new DownloadObjectOptions { Generation = item.Generation, Range = new RangeHeaderValue(from, null), DownloadValidationMode = DownloadValidationMode.Never }
                    : new DownloadObjectOptions { Generation = item.Generation, DownloadValidationMode = DownloadValidationMode.Always };
                try
                {
                    await client.DownloadObjectAsync(item.Bucket, item.Name, destination, options, _stop.Token).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (IsBrokenConnection(e) && attempt < retry.MaxAttempts && !_stop.IsCancellationRequested)
                {
                    var bound = retry.InitialBackoff * Math.Pow(2, attempt - 1);
                    await Task.Delay(bound > retry.MaxBackoff ? retry.MaxBackoff : bound, _stop.Token).ConfigureAwait(false);
                }
            }
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The reader sees the failure (a broken download, a hash mismatch) on its next read.
            await _pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
        }
    }

    /// <summary>A connection that broke or a body that ended early; not a hash mismatch, nor an answer of the server.</summary>
    private static bool IsBrokenConnection(Exception e) =>
        e is HttpRequestException or HttpIOException || (e is IOException && e.InnerException is System.Net.Sockets.SocketException or HttpIOException);

    /// <summary>Counts what reached the pipe, so that a resumed download starts after it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _reader.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _reader.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _reader.ReadAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed) DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        await _download.ConfigureAwait(false);
        _stop.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
