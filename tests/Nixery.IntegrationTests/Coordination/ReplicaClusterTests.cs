using Nixery.Testing;

namespace Nixery.IntegrationTests.Coordination;

/// <summary>
/// Three standalone servers on one file-system store, their builds coordinated by a real Redis: cold pulls spread
/// over them make one build in the cluster, and a replica killed mid-build hands the build over to another.
/// </summary>
public sealed class ReplicaClusterTests : IAsyncLifetime
{
    private readonly string _storage = Directory.CreateTempSubdirectory("nixery-cluster-store-").FullName;
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        Directory.Delete(_storage, recursive: true);
    }

    private Dictionary<string, string> Storage => new() { ["STORAGE_PATH"] = _storage };

    [Fact]
    public async Task Sixty_concurrent_cold_pulls_spread_over_three_replicas_make_one_nix_build_and_sixty_pulls()
    {
        await using var cluster = await ReplicaCluster.StartAsync(3, Storage, _redis.Configuration, TimeSpan.FromSeconds(3));
        var probe = cluster.AddProbe(TimeSpan.FromSeconds(3));

        var pulls = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => cluster.PullAsync(i % 3, $"shell/{probe}")));

        Assert.All(pulls, pull => Assert.True(pull.ExitCode == 0, pull.Error));
        Assert.Single(cluster.EvaluationsOf(probe));
        Assert.True(cluster.RealisationsOf(probe) == 1, $"Nix built {probe} {cluster.RealisationsOf(probe)} times; replica 0 logged:\n{cluster.OutputOf(0)}");
    }

    [Fact]
    public async Task A_replica_killed_mid_build_hands_the_build_over_and_the_pulls_waiting_on_the_others_succeed()
    {
        await using var cluster = await ReplicaCluster.StartAsync(3, Storage, _redis.Configuration, TimeSpan.FromSeconds(3));
        var probe = cluster.AddProbe(TimeSpan.FromSeconds(8));

        var pulls = Enumerable.Range(0, 30).Select(i => (Replica: i % 3, Pull: cluster.PullAsync(i % 3, $"shell/{probe}"))).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (cluster.EvaluationsOf(probe).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        var builder = Assert.Single(cluster.EvaluationsOf(probe));
        await Task.Delay(TimeSpan.FromSeconds(1)); // into the build: Nix is running the probe's builder
        await cluster.KillAsync(builder);

        foreach (var (replica, pull) in pulls)
        {
            var (exitCode, error) = await pull;
            if (replica != builder) Assert.True(exitCode == 0, $"a pull from replica {replica} failed: {error}");
        }
        var evaluations = cluster.EvaluationsOf(probe);
        Assert.Equal(2, evaluations.Count); // the killed build and the one that took over, on another replica
        var takeover = evaluations[1];
        Assert.NotEqual(builder, takeover);
        // The third replica's pulls waited on the lock through both builds and took the second one's image.
        Assert.Contains("was built by another holder", cluster.OutputOf(3 - builder - takeover), StringComparison.Ordinal);
    }
}
