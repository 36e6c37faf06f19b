using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Health;

/// <summary>The storage answers and takes writes: a small record written and read back, through the engine's blob store.</summary>
internal sealed class StorageHealthCheck(IBlobStore store, IOptions<NixeryHealthOptions> health, TimeProvider time) : IHealthCheck
{
    // One record per process, so replicas on one bucket do not race on it.
    private readonly string _record = $"health/{Environment.MachineName}-{Environment.ProcessId}";
    private readonly CachedCheck _cached = new(health.Value.CacheDuration, time);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        _cached.GetAsync(RunAsync, cancellationToken);

    private async Task<HealthCheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var written = Encoding.UTF8.GetBytes(time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await store.WriteRecordAsync(_record, written, cancellationToken).ConfigureAwait(false);
            var read = await store.ReadRecordAsync(_record, cancellationToken).ConfigureAwait(false);
            return read is not null && read.AsSpan().SequenceEqual(written)
                ? HealthCheckResult.Healthy("a record was written and read back")
                : HealthCheckResult.Unhealthy($"the storage did not give back the record '{_record}' just written");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the storage failed a write and read of '{_record}': {exception.Message}", exception);
        }
    }
}
