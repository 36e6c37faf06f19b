using Nixery.Abstractions.Building;

namespace Nixery.Core.Building;

/// <summary>
/// The default coordinator: one build per image key in this process, others waiting in line. Replicas that share a
/// store each build for themselves; a distributed coordinator (<c>Nixery.Coordination.Redis</c>) makes it one per cluster.
/// </summary>
internal sealed class InProcessBuildCoordinator : IBuildCoordinator
{
    private readonly Dictionary<string, Holder> _holders = new(StringComparer.Ordinal);

    public async ValueTask<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        Holder holder;
        lock (_holders)
        {
            if (!_holders.TryGetValue(key, out holder!)) _holders[key] = holder = new Holder();
            holder.Users++;
        }
        try
        {
            await holder.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, holder);
            throw;
        }
        return new Lease(this, key, holder);
    }

    // The entry goes when its last user does, so the dictionary holds only keys being built or waited for.
    private void Leave(string key, Holder holder)
    {
        lock (_holders)
            if (--holder.Users == 0) _holders.Remove(key);
    }

    private sealed class Holder
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Lease(InProcessBuildCoordinator owner, string key, Holder holder) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                holder.Gate.Release();
                owner.Leave(key, holder);
            }
            return ValueTask.CompletedTask;
        }
    }
}
