using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Coordination.Redis;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Coordination;

/// <summary>The Redis coordinator against a real redis-server: two coordinators stand for two replicas.</summary>
public sealed class RedisBuildCoordinatorTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static RedisBuildCoordinator Coordinator(string configuration, TimeSpan? expiry = null) =>
        new(Options.Create(new RedisBuildCoordinationOptions { Configuration = configuration, LockExpiry = expiry ?? TimeSpan.FromSeconds(30) }),
            NullLogger<RedisBuildCoordinator>.Instance);

    [Fact]
    public async Task A_second_replica_waits_for_the_first_to_release_the_build_of_an_image_and_not_for_other_images()
    {
        await using var first = Coordinator(_redis.Configuration);
        await using var second = Coordinator(_redis.Configuration);
        var hold = await first.AcquireAsync("image-a", CancellationToken.None);

        var waiting = second.AcquireAsync("image-a", CancellationToken.None).AsTask();
        await using (await second.AcquireAsync("image-b", CancellationToken.None)) { } // another image is not held up
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(waiting.IsCompleted);

        await hold.DisposeAsync();
        await using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task When_the_holder_stops_renewing_its_lock_lapses_and_a_waiting_replica_takes_over()
    {
        var dying = Coordinator(_redis.Configuration, TimeSpan.FromSeconds(2));
        await using var survivor = Coordinator(_redis.Configuration, TimeSpan.FromSeconds(2));
        _ = await dying.AcquireAsync("image", CancellationToken.None);
        var waiting = survivor.AcquireAsync("image", CancellationToken.None).AsTask();

        await dying.DisposeAsync(); // its connection closes without a release, as when the process dies
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(waiting.IsCompleted);
        await using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_waiter_whose_request_goes_away_stops_waiting()
    {
        await using var first = Coordinator(_redis.Configuration);
        await using var second = Coordinator(_redis.Configuration);
        await using var hold = await first.AcquireAsync("image", CancellationToken.None);
        using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await second.AcquireAsync("image", gone.Token));
    }

    [Fact]
    public async Task Without_a_reachable_redis_a_build_gets_a_coordination_error_naming_the_server_and_the_check_is_unhealthy()
    {
        var nowhere = $"127.0.0.1:{LoopbackServer.FreePort()},connectTimeout=500";
        await using var coordinator = Coordinator(nowhere);

        var error = await Assert.ThrowsAsync<BuildCoordinationException>(async () => await coordinator.AcquireAsync("image", CancellationToken.None));
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        var health = await coordinator.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);

        await using var reachable = Coordinator(_redis.Configuration);
        Assert.Equal(HealthStatus.Healthy, (await reachable.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Theory]
    [InlineData("", "00:00:30", "Nixery:Redis:Configuration is required")]
    [InlineData("127.0.0.1:6379", "00:00:00.500", "Nixery:Redis:LockExpiry must be at least one second")]
    public void Settings_that_cannot_work_are_named(string configuration, string expiry, string expected)
    {
        var result = new RedisBuildCoordinationOptionsValidator().Validate(null,
            new RedisBuildCoordinationOptions { Configuration = configuration, LockExpiry = TimeSpan.Parse(expiry, System.Globalization.CultureInfo.InvariantCulture) });
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
