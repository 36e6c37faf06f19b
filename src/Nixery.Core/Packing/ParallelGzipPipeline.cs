using System.Buffers;
using System.IO.Compression;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Packing;

/// <summary>
/// Compresses a stream produced chunk by chunk into a gzip stream of independent members, one per chunk, compressed
/// in parallel and written in order; hashes the uncompressed and the compressed bytes on the way (one pass).
/// </summary>
/// <remarks>
/// Concatenated members are one valid gzip stream (RFC 1952 §2.2) that <c>gzip -d</c>, Go's compress/gzip and so
/// containerd, podman, skopeo and umoci all read. Chunk boundaries are fixed offsets of the uncompressed stream and each
/// member depends only on its chunk, so the output is the same whatever the thread timing or parallelism. Every member's
/// header is made the same on every platform: MTIME 0, XFL 0, OS 255 ("unknown"); zlib writes the CRC-32 and ISIZE.
/// </remarks>
internal static class ParallelGzipPipeline
{
    /// <summary>The operating-system byte of every member header: 255, "unknown" (RFC 1952).</summary>
    public const byte GzipOsUnknown = 255;

    public static async Task<PackResult> RunAsync(
        Func<ChunkWriter, CancellationToken, Task> produce,
        Stream destination,
        int compressionLevel,
        int chunkSize,
        int maxParallelism,
        CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxParallelism).ConcurrentScheduler;
        // Compressed chunks waiting in order: enough to keep every worker busy while the writer waits for the oldest.
        var pending = Channel.CreateBounded<Task<CompressedChunk>>(new BoundedChannelOptions(2 * maxParallelism)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long uncompressed = 0;

        var producer = Task.Run(async () =>
        {
            try
            {
                var writer = new ChunkWriter(chunkSize, async (chunk, length, token) =>
                {
                    diffHash.AppendData(chunk, 0, length);
                    var compress = Task.Factory.StartNew(
                        () => Compress(chunk, length, compressionLevel), CancellationToken.None, TaskCreationOptions.None, scheduler);
                    await pending.Writer.WriteAsync(compress, token).ConfigureAwait(false);
                });
                await produce(writer, cts.Token).ConfigureAwait(false);
                await writer.CompleteAsync(cts.Token).ConfigureAwait(false);
                uncompressed = writer.Position;
                pending.Writer.Complete();
            }
            catch (Exception e)
            {
                pending.Writer.TryComplete(e);
                throw;
            }
        }, cts.Token);

        long compressed = 0;
        try
        {
            await foreach (var next in pending.Reader.ReadAllAsync(cts.Token).ConfigureAwait(false))
            {
                var member = await next.ConfigureAwait(false);
                blobHash.AppendData(member.Buffer, 0, member.Length);
                await destination.WriteAsync(member.Buffer.AsMemory(0, member.Length), cts.Token).ConfigureAwait(false);
                compressed += member.Length;
                ArrayPool<byte>.Shared.Return(member.Buffer);
            }
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The producer's failure is the cause; report it rather than its echo through the channel.
                ExceptionDispatchInfo.Throw(e);
            }
            catch (OperationCanceledException)
            {
                // The producer stopped because we did; our own exception follows.
            }

            throw;
        }

        await producer.ConfigureAwait(false);
        return new PackResult(
            Digest.FromHash(diffHash.GetHashAndReset()), Digest.FromHash(blobHash.GetHashAndReset()), uncompressed, compressed);
    }

    /// <summary>Compresses one chunk into one gzip member with a platform-independent header; returns the input buffer to the pool.</summary>
    internal static CompressedChunk Compress(byte[] chunk, int length, int compressionLevel)
    {
        // Deflate never expands by more than 5 bytes per 16 KiB stored block; header and trailer take 18 bytes.
        var output = ArrayPool<byte>.Shared.Rent(length + length / 8 + 1024);
        int written;
        using (var memory = new MemoryStream(output, 0, output.Length, writable: true, publiclyVisible: true))
        {
            var options = new ZLibCompressionOptions { CompressionLevel = compressionLevel, CompressionStrategy = ZLibCompressionStrategy.Default };
            using (var gzip = new GZipStream(memory, options, leaveOpen: true))
                gzip.Write(chunk, 0, length);
            written = (int)memory.Position;
        }

        ArrayPool<byte>.Shared.Return(chunk);
        // Header: ID1 ID2 CM FLG MTIME(4) XFL OS. zlib writes FLG 0 and MTIME 0, but XFL by level and OS by platform.
        if (output[0] != 0x1f || output[1] != 0x8b || output[3] != 0)
            throw new InvalidOperationException("zlib wrote an unexpected gzip header");
        output.AsSpan(4, 5).Clear();
        output[9] = GzipOsUnknown;
        return new CompressedChunk(output, written);
    }

    internal readonly record struct CompressedChunk(byte[] Buffer, int Length);
}
