using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Nixery.Storage.Gcs;

/// <summary>
/// Runs <see cref="GcsBlobStore.CheckAsync"/> when the host starts, so that a missing bucket, an unreachable endpoint or
/// unusable credentials stop the start with a message saying which, instead of failing the first pull.
/// </summary>
internal sealed class GcsStartupCheck(GcsBlobStore store, IOptions<GcsStorageOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.CheckOnStart ? store.CheckAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
