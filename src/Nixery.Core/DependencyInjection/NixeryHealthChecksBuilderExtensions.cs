using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nixery.Core.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the engine's health checks to a host's <c>services.AddHealthChecks()</c>.</summary>
public static class NixeryHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <c>nixery-nix</c> (Nix runs), <c>nixery-storage</c> (a record written and read back), <c>nixery-disk</c>
    /// (free disk under the Nix store and the file-system storage, <c>Nixery:Health:MinimumFreeBytes</c>) and
    /// <c>nixery-coordinator</c> (the build coordinator answers, e.g. Redis a PING; degraded, not unhealthy, when it does
    /// not, since built images still serve), each tagged
    /// with <paramref name="tags"/> (e.g. <c>"ready"</c>, for a readiness endpoint that maps only those). Needs
    /// <c>AddNixery()</c>; Nix and storage results are reused for <c>Nixery:Health:CacheDuration</c>, so probes stay cheap.
    /// </summary>
    public static IHealthChecksBuilder AddNixeryChecks(this IHealthChecksBuilder builder, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tags);
        // Singletons, so each keeps its cached result between probes.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<NixHealthCheck>();
        builder.Services.TryAddSingleton<StorageHealthCheck>();
        builder.Services.TryAddSingleton<DiskSpaceHealthCheck>();
        return builder
            .AddCheck<NixHealthCheck>("nixery-nix", HealthStatus.Unhealthy, tags)
            .AddCheck<StorageHealthCheck>("nixery-storage", HealthStatus.Unhealthy, tags)
            .AddCheck<DiskSpaceHealthCheck>("nixery-disk", HealthStatus.Unhealthy, tags)
            // Degraded, not unhealthy: without the coordinator, built images still serve; only cold builds wait for it.
            .AddCheck<CoordinatorHealthCheck>("nixery-coordinator", HealthStatus.Degraded, tags);
    }
}
