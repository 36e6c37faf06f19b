using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nixery.Abstractions.Building;

namespace Nixery.Core.Health;

/// <summary>
/// The build coordinator is reachable: a coordinator that is also an <see cref="IHealthCheck"/> (Redis) answers for
/// itself; the in-process one always can.
/// </summary>
internal sealed class CoordinatorHealthCheck(IBuildCoordinator coordinator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        coordinator is IHealthCheck check
            ? check.CheckHealthAsync(context, cancellationToken)
            : Task.FromResult(HealthCheckResult.Healthy("builds are coordinated in this process"));
}
