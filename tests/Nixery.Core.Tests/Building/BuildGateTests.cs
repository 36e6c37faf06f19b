using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Core.Building;

namespace Nixery.Core.Tests.Building;

public sealed class BuildGateTests
{
    private static BuildGate Gate(int running, int queued) => new(Options.Create(new NixeryOptions
    {
        MaxConcurrentBuilds = running,
        MaxQueuedBuilds = queued,
        BuildRetryAfter = TimeSpan.FromSeconds(4),
    }));

    [Fact]
    public async Task Builds_beyond_the_running_and_queued_limits_are_refused_at_once_with_the_retry_delay()
    {
        using var gate = Gate(running: 1, queued: 1);
        using var running = await gate.EnterAsync(CancellationToken.None);
        var queued = gate.EnterAsync(CancellationToken.None);
        Assert.False(queued.IsCompleted);

        var refused = await Assert.ThrowsAsync<TooManyBuildsException>(() => gate.EnterAsync(CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(4), refused.RetryAfter);
        Assert.Equal(1, refused.MaxConcurrentBuilds);
        Assert.Equal(1, refused.MaxQueuedBuilds);
        running.Dispose();
        (await queued).Dispose();
        Assert.Equal(0, gate.Admitted);
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_queue_place_back()
    {
        using var gate = Gate(running: 1, queued: 1);
        using var running = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        Assert.Equal(1, gate.Admitted);
        var next = gate.EnterAsync(CancellationToken.None); // the queue place is free again
        running.Dispose();
        (await next).Dispose();
    }
}
