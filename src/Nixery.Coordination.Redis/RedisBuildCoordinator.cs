using Medallion.Threading;
using Medallion.Threading.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using StackExchange.Redis;

namespace Nixery.Coordination.Redis;

/// <summary>
/// One build per image in the cluster: a Redis lock per build key (DistributedLock.Redis), renewed while its holder
/// lives and lapsing <see cref="RedisBuildCoordinationOptions.LockExpiry"/> after it dies. Also the engine's
/// <c>nixery-coordinator</c> health check: Redis answers a PING.
/// </summary>
internal sealed partial class RedisBuildCoordinator(IOptions<RedisBuildCoordinationOptions> options, ILogger<RedisBuildCoordinator> logger)
    : IBuildCoordinator, IHealthCheck, IAsyncDisposable
{
    private readonly RedisBuildCoordinationOptions _options = options.Value;

    // The servers, for messages: the configuration string may hold a password.
    private readonly string _servers = string.Join(", ", ConfigurationOptions.Parse(options.Value.Configuration).EndPoints);
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;
    private RedisDistributedSynchronizationProvider? _locks;

    public async ValueTask<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var locks = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var handle = await locks.AcquireLockAsync(_options.KeyPrefix + key, timeout: null, cancellationToken).ConfigureAwait(false);
            return new Hold(handle, key, this);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            throw Unreachable("waiting for the build lock", exception);
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var latency = await _connection!.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis at {_servers} answered a PING in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException or BuildCoordinationException)
        {
            return new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy,
                $"Redis at {_servers} did not answer: {exception.Message}", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
        _connecting.Dispose();
    }

    private async ValueTask<RedisDistributedSynchronizationProvider> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_locks is not null) return _locks;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_locks is not null) return _locks;
            var configuration = ConfigurationOptions.Parse(_options.Configuration);
            // Keep trying in the background after an outage instead of failing for good.
            configuration.AbortOnConnectFail = false;
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            if (!connection.IsConnected)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw Unreachable("connecting", null);
            }
            _connection = connection;
            // Waiters poll the lock: a short sleep hands the build's result on soon after the holder stores it.
            return _locks = new RedisDistributedSynchronizationProvider(connection.GetDatabase(), builder => builder
                .Expiry(_options.LockExpiry)
                .BusyWaitSleepTime(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200)));
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            throw Unreachable("connecting", exception);
        }
        finally
        {
            _connecting.Release();
        }
    }

    private BuildCoordinationException Unreachable(string doing, Exception? inner) =>
        new($"the build coordinator, Redis at {_servers}, cannot be reached ({doing}){(inner is null ? "" : ": " + inner.Message)}", inner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Redis build lock of {BuildKey} could not be released; it lapses by itself")]
    private partial void LogReleaseFailed(Exception exception, string buildKey);

    // Releasing must not fail a pull whose image is already stored: a lock that cannot be released lapses.
    private sealed class Hold(IDistributedSynchronizationHandle handle, string key, RedisBuildCoordinator owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await handle.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
            {
                owner.LogReleaseFailed(exception, key);
            }
        }
    }
}
