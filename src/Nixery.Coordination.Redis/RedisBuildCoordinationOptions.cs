namespace Nixery.Coordination.Redis;

/// <summary>How replicas find each other's builds in Redis, bound from <c>Nixery:Redis</c>.</summary>
public sealed class RedisBuildCoordinationOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string of the server every replica shares, e.g. <c>redis:6379</c> or
    /// <c>redis.example:6380,ssl=true,password=…</c>. Required.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of the lock keys (default <c>nixery:build:</c>), so that registries can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "nixery:build:";

    /// <summary>
    /// How long a lock outlives its holder (default 30 seconds, at least one second). A live holder renews it every
    /// third of this; when a replica dies mid-build, a waiting replica takes the build over this long after.
    /// </summary>
    public TimeSpan LockExpiry { get; set; } = TimeSpan.FromSeconds(30);
}
