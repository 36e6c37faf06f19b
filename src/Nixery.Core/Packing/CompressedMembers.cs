using System.Threading.Channels;

namespace Nixery.Core.Packing;

/// <summary>
/// The members of one compression pipeline run, as the producer sees them: where each one starts in the compressed
/// stream once it is written, members the producer made itself, and annotations for the layer's descriptor.
/// </summary>
internal sealed class CompressedMembers(ChannelWriter<Task<CompressedChunk>> pending)
{
    private readonly Lock _lock = new();
    private readonly List<long> _ends = []; // compressed length after member i
    private readonly List<(int Count, TaskCompletionSource<long> Done)> _waiters = [];
    private int _added;
    private bool _failed;

    /// <summary>Annotations of the layer's descriptor in manifests (eStargz's TOC digest), set by the producer.</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Members handed on so far (chunks and members of the producer's own).</summary>
    public int Count => Volatile.Read(ref _added);

    /// <summary>Appends a member the producer made (not compressed again, not part of the uncompressed stream).</summary>
    public ValueTask AppendAsync(byte[] member, CancellationToken cancellationToken) =>
        AddAsync(Task.FromResult(new CompressedChunk(member, member.Length, Pooled: false)), cancellationToken);

    /// <summary>Where member <paramref name="count"/> starts: the compressed length of the first <paramref name="count"/> members, once written.</summary>
    public Task<long> LengthOfFirstAsync(int count)
    {
        lock (_lock)
        {
            if (count == 0) return Task.FromResult(0L);
            if (_ends.Count >= count) return Task.FromResult(_ends[count - 1]);
            if (_failed) return Task.FromException<long>(new OperationCanceledException("the compression pipeline stopped"));
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    /// <summary>Where every member written so far starts.</summary>
    public IReadOnlyList<long> Starts
    {
        get
        {
            lock (_lock) return [0L, .. _ends.Take(Math.Max(0, _ends.Count - 1))];
        }
    }

    internal async ValueTask AddAsync(Task<CompressedChunk> member, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _added);
        await pending.WriteAsync(member, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The writer finished one more member; the compressed stream is now <paramref name="length"/> bytes long.</summary>
    internal void Written(long length)
    {
        lock (_lock)
        {
            _ends.Add(length);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count > _ends.Count) continue;
                _waiters[i].Done.TrySetResult(_ends[_waiters[i].Count - 1]);
                _waiters.RemoveAt(i);
            }
        }
    }

    internal void Fail()
    {
        lock (_lock)
        {
            _failed = true;
            foreach (var (_, done) in _waiters) done.TrySetCanceled();
            _waiters.Clear();
        }
    }
}
