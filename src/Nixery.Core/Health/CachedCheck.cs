using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nixery.Core.Health;

/// <summary>Reuses a check's last result for a while, and runs at most one check at a time, so frequent probes stay cheap.</summary>
internal sealed class CachedCheck(TimeSpan duration, TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (HealthCheckResult Result, DateTimeOffset At)? _last;

    public async Task<HealthCheckResult> GetAsync(Func<CancellationToken, Task<HealthCheckResult>> check, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_last is { } last && time.GetUtcNow() - last.At < duration) return last.Result;
            var result = await check(cancellationToken).ConfigureAwait(false);
            _last = (result, time.GetUtcNow());
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }
}
