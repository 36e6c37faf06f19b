namespace Nixery.Server;

/// <summary>How the standalone server stops on SIGTERM (<c>Nixery:Shutdown</c>).</summary>
public sealed class ServerShutdownOptions
{
    /// <summary>
    /// How long the server keeps serving after SIGTERM while <c>/readyz</c> answers <c>503</c>, so that load balancers and
    /// Kubernetes take it out of rotation before it stops accepting connections (default 5 s).
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long requests in flight (a pull waiting on a build among them) may still finish once the server stops
    /// accepting connections (default 30 s); Kubernetes' <c>terminationGracePeriodSeconds</c> must cover both.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
