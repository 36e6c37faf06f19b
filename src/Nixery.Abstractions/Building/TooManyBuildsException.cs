namespace Nixery.Abstractions.Building;

/// <summary>
/// The engine refused to start another build: as many builds as it runs at once are running and the queue behind
/// them is full. The registry answers <c>429 TOOMANYREQUESTS</c> with <c>Retry-After</c>.
/// </summary>
public sealed class TooManyBuildsException(int running, int queued, TimeSpan retryAfter)
    : NixeryException($"too many images are being built ({running} running, {queued} waiting); try again in {retryAfter.TotalSeconds:0} s")
{
    /// <summary>How many builds run at once at most.</summary>
    public int MaxConcurrentBuilds { get; } = running;

    /// <summary>How many builds may wait at most.</summary>
    public int MaxQueuedBuilds { get; } = queued;

    /// <summary>When trying again has a chance.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
