using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Testing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Nixery.IntegrationTests.Support;

/// <summary>
/// A load balancer on loopback in front of several registry replicas: YARP's reverse proxy, round robin, taking a replica
/// out of rotation when its <c>/readyz</c> fails twice in a row (probed every 250 ms) and back when it passes again,
/// as a Kubernetes Service or a cloud load balancer does with a readiness probe.
/// </summary>
internal sealed class LoopbackLoadBalancer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackLoadBalancer(WebApplication app) => (_app, Address) = (app, LoopbackServer.AddressOf(app));

    public Uri Address { get; }

    public static async Task<LoopbackLoadBalancer> StartAsync(IReadOnlyList<Uri> replicas)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "replicas", Match = new RouteMatch { Path = "{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "replicas",
                LoadBalancingPolicy = "RoundRobin",
                Destinations = replicas.Select((uri, i) => (uri, i)).ToDictionary(d => $"replica-{d.i}", d => new DestinationConfig { Address = d.uri.ToString() }),
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromMilliseconds(250),
                        Timeout = TimeSpan.FromSeconds(2),
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                        Path = "/readyz",
                    },
                },
                Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "2" },
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new LoopbackLoadBalancer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
