using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Nixery.Server;

/// <summary>
/// On SIGTERM, fails readiness and keeps serving for <see cref="ServerShutdownOptions.DrainDelay"/> before the host
/// stops Kestrel: the host runs every hosted service's <c>StoppingAsync</c> before any <c>StopAsync</c>, so connections are
/// still accepted while the load balancer notices. Without it, pulls routed to a stopping replica in that window fail.
/// </summary>
internal sealed partial class ShutdownDrain(IOptions<ServerShutdownOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService, IHealthCheck
{
    private volatile bool _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var delay = options.Value.DrainDelay;
        LogDraining(delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out first: stop now.
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining
            ? HealthCheckResult.Unhealthy($"stopping: draining for Nixery:Shutdown:DrainDelay ({options.Value.DrainDelay}) before closing connections")
            : HealthCheckResult.Healthy("serving"));

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: /readyz fails and requests are still served for {Seconds} s, then connections close")]
    private partial void LogDraining(double seconds);
}
