using System.Net;
using System.Text.Json;
using Nixery.IntegrationTests.Registry;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Coordination;

/// <summary>The standalone server configured with a Redis that does not answer: it says so, and loses nothing.</summary>
public sealed class CoordinatorOutageTests
{
    [Fact]
    public async Task A_pull_that_needs_a_build_gets_503_unavailable_and_readyz_reports_the_coordinator_degraded_naming_redis()
    {
        var nowhere = $"127.0.0.1:{LoopbackServer.FreePort()}";
        await using var server = await StandaloneServer.StartAsync(new Dictionary<string, string>
        {
            ["NIXERY_REDIS"] = $"{nowhere},connectTimeout=500",
        });

        using var response = await server.Client.GetAsync("/v2/shell/hello/manifests/latest");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("errors")[0];
        Assert.Equal("UNAVAILABLE", error.GetProperty("code").GetString());
        Assert.Contains("build coordinator cannot be reached", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(nowhere, error.GetProperty("message").GetString(), StringComparison.Ordinal); // internal: the log has it

        // Still ready: images already built serve without the coordinator, so the balancer keeps the replica.
        using var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var coordinator = report.RootElement.GetProperty("checks").GetProperty("nixery-coordinator");
        Assert.Equal("Degraded", coordinator.GetProperty("status").GetString());
        Assert.Contains(nowhere, coordinator.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
