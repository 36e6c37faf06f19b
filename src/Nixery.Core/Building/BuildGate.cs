using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;

namespace Nixery.Core.Building;

/// <summary>
/// Bounds the builds running at once (<see cref="NixeryOptions.MaxConcurrentBuilds"/>) and those waiting for a slot
/// (<see cref="NixeryOptions.MaxQueuedBuilds"/>); beyond both a build is refused at once rather than queued forever.
/// </summary>
public sealed class BuildGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _maxRunning;
    private readonly int _maxQueued;
    private readonly TimeSpan _retryAfter;
    private int _admitted; // running plus waiting

    /// <summary>Creates the gate with the limits of <see cref="NixeryOptions"/>.</summary>
    public BuildGate(IOptions<NixeryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _maxRunning = value.MaxConcurrentBuilds;
        _maxQueued = value.MaxQueuedBuilds;
        _retryAfter = value.BuildRetryAfter;
        _slots = new SemaphoreSlim(_maxRunning, _maxRunning);
    }

    /// <summary>Builds running or waiting now.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    /// <exception cref="TooManyBuildsException">The slots and the queue are all taken.</exception>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > _maxRunning + _maxQueued)
        {
            Interlocked.Decrement(ref _admitted);
            throw new TooManyBuildsException(_maxRunning, _maxQueued, _retryAfter);
        }
        NixeryDiagnostics.BuildsAdmitted.Add(1);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            NixeryDiagnostics.BuildsAdmitted.Add(-1);
            throw;
        }
        return new Slot(this);
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(BuildGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            gate._slots.Release();
            Interlocked.Decrement(ref gate._admitted);
            NixeryDiagnostics.BuildsAdmitted.Add(-1);
        }
    }
}
