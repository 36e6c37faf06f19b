using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Packing;

/// <summary>
/// Compresses a stream produced chunk by chunk into a stream of independent members (gzip members, zstd frames), one per
/// chunk, compressed in parallel and written in order; hashes the uncompressed and the compressed bytes on the way (one
/// pass). The producer can learn where each member landed in the compressed stream (eStargz's table of contents needs
/// it) and append a member it made itself (eStargz's footer).
/// </summary>
/// <remarks>
/// Concatenated members are one valid stream (RFC 1952 §2.2 for gzip, RFC 8878 §3.1 for zstd frames) that every client
/// reads. Chunk boundaries depend only on the bytes and each member only on its chunk, so the output is the same whatever
/// the thread timing or parallelism.
/// </remarks>
internal static class ParallelCompressionPipeline
{
    public static async Task<PackResult> RunAsync(
        Func<ChunkWriter, CompressedMembers, CancellationToken, Task> produce,
        ChunkCompressor compress,
        Stream destination,
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
        var members = new CompressedMembers(pending.Writer);
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
                    var task = Task.Factory.StartNew(
                        () => compress(chunk, length), CancellationToken.None, TaskCreationOptions.None, scheduler);
                    await members.AddAsync(task, token).ConfigureAwait(false);
                });
                await produce(writer, members, cts.Token).ConfigureAwait(false);
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
                if (member.Pooled) ArrayPool<byte>.Shared.Return(member.Buffer);
                members.Written(compressed);
            }
        }
        catch
        {
            members.Fail();
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
            Digest.FromHash(diffHash.GetHashAndReset()), Digest.FromHash(blobHash.GetHashAndReset()), uncompressed, compressed, members.Annotations);
    }
}
