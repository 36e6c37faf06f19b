using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nixery.Coordination.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects Redis as the engine's build coordinator.</summary>
public static class RedisBuildCoordinationNixeryBuilderExtensions
{
    /// <summary>
    /// Builds each image once in the whole cluster: replicas sharing a store take a Redis lock per image before they
    /// build, and the ones that waited take the holder's stored result. Settings come from <paramref name="configuration"/>
    /// (e.g. the <c>Nixery:Redis</c> section) when given, then from <paramref name="configure"/>; they are checked at start.
    /// The engine's <c>nixery-coordinator</c> health check then pings Redis.
    /// </summary>
    public static INixeryBuilder UseRedisBuildCoordination(this INixeryBuilder builder, IConfiguration? configuration, Action<RedisBuildCoordinationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<RedisBuildCoordinationOptions>();
        if (configuration is not null) options.Bind(configuration);
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisBuildCoordinationOptions>, RedisBuildCoordinationOptionsValidator>());
        return builder.UseBuildCoordinator<RedisBuildCoordinator>();
    }

    /// <summary>Builds each image once in the cluster, coordinated by the Redis server at <paramref name="redisConfiguration"/> (e.g. <c>redis:6379</c>).</summary>
    public static INixeryBuilder UseRedisBuildCoordination(this INixeryBuilder builder, string redisConfiguration) =>
        builder.UseRedisBuildCoordination(null, options => options.Configuration = redisConfiguration);
}
