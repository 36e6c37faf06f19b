using Nixery.Storage.Azure.Tests.Support;
using Nixery.Testing;

namespace Nixery.Storage.Azure.Tests.EndToEnd;

/// <summary>
/// Three standalone servers on one Azurite container, their builds coordinated by a real Redis: the cluster test of
/// the file-system store (Nixery.IntegrationTests), on a cloud backend whose blobs the pulls fetch through SAS redirects.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReplicasOnAzureTests(Azurite azurite)
{
    [Fact]
    public async Task Sixty_concurrent_cold_pulls_spread_over_three_replicas_on_one_container_make_one_nix_build()
    {
        await using var redis = await RedisServer.StartAsync();
        var storage = new Dictionary<string, string>
        {
            ["NIXERY_STORAGE_BACKEND"] = "azure",
            ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString(),
            ["AZURE_STORAGE_CONTAINER"] = await azurite.CreateContainerAsync("cluster"),
        };
        await using var cluster = await ReplicaCluster.StartAsync(3, storage, redis.Configuration, TimeSpan.FromSeconds(3));
        var probe = cluster.AddProbe(TimeSpan.FromSeconds(3));

        var pulls = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => cluster.PullAsync(i % 3, $"shell/{probe}")));

        Assert.All(pulls, pull => Assert.True(pull.ExitCode == 0, pull.Error));
        Assert.Single(cluster.EvaluationsOf(probe));
        Assert.Equal(1, cluster.RealisationsOf(probe));
    }
}
