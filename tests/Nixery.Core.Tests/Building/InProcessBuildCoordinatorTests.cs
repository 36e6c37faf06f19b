using Nixery.Core.Building;

namespace Nixery.Core.Tests.Building;

public sealed class InProcessBuildCoordinatorTests
{
    private readonly InProcessBuildCoordinator _coordinator = new();

    [Fact]
    public async Task A_second_build_of_an_image_waits_for_the_first_and_another_image_does_not()
    {
        var hold = await _coordinator.AcquireAsync("image-a", CancellationToken.None);
        var waiting = _coordinator.AcquireAsync("image-a", CancellationToken.None).AsTask();
        await using (await _coordinator.AcquireAsync("image-b", CancellationToken.None)) { }
        Assert.False(waiting.IsCompleted);

        await hold.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Releasing_twice_lets_in_one_waiter_only()
    {
        var hold = await _coordinator.AcquireAsync("image", CancellationToken.None);
        var first = _coordinator.AcquireAsync("image", CancellationToken.None).AsTask();
        var second = _coordinator.AcquireAsync("image", CancellationToken.None).AsTask();

        await hold.DisposeAsync();
        await hold.DisposeAsync();
        var winner = await Task.WhenAny(first, second);
        await Task.Delay(100);
        Assert.Equal(1, new[] { first, second }.Count(task => task.IsCompleted));

        await (await winner).DisposeAsync();
        await using var last = await (winner == first ? second : first).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_the_key_to_the_others()
    {
        var hold = await _coordinator.AcquireAsync("image", CancellationToken.None);
        using var gone = new CancellationTokenSource();
        var givingUp = _coordinator.AcquireAsync("image", gone.Token).AsTask();
        var staying = _coordinator.AcquireAsync("image", CancellationToken.None).AsTask();

        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => givingUp);
        await hold.DisposeAsync();
        await using var taken = await staying.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
