using System.ComponentModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nixery.Core.Nix;

namespace Nixery.Core.Health;

/// <summary>Nix can run: <c>nix-store --version</c> starts and answers, within the Nix timeout.</summary>
internal sealed class NixHealthCheck(IOptions<NixOptions> nix, IOptions<NixeryHealthOptions> health, TimeProvider time) : IHealthCheck
{
    private readonly CachedCheck _cached = new(health.Value.CacheDuration, time);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        _cached.GetAsync(RunAsync, cancellationToken);

    private async Task<HealthCheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var options = nix.Value;
        var fileName = options.FileNameOf("nix-store");
        try
        {
            var result = await ProcessRunner.RunAsync(fileName, ["--version"], options.Timeout, 4096, cancellationToken).ConfigureAwait(false);
            return result.ExitCode == 0
                ? HealthCheckResult.Healthy(result.StandardOutput.Trim())
                : HealthCheckResult.Unhealthy($"'{fileName} --version' exited with {result.ExitCode}: {result.StandardError.Trim()}");
        }
        catch (Win32Exception exception)
        {
            return HealthCheckResult.Unhealthy($"could not start '{fileName}': {exception.Message}; is Nix installed and on PATH?", exception);
        }
        catch (ProcessTimeoutException exception)
        {
            return HealthCheckResult.Unhealthy($"'{fileName} --version' did not answer within {options.Timeout}", exception);
        }
    }
}
