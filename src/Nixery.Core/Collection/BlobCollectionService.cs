using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;

namespace Nixery.Core.Collection;

/// <summary>
/// Runs <see cref="BlobCollector"/> every <see cref="CollectionOptions.Interval"/> when one is set. Replicas take
/// turns through the build coordinator (one collection at a time in the cluster with Redis); a failed run is logged and
/// the next one tries again.
/// </summary>
internal sealed partial class BlobCollectionService(
    BlobCollector collector, IBuildCoordinator coordinator, IOptions<CollectionOptions> options, ILogger<BlobCollectionService> logger, TimeProvider? time = null)
    : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Interval is not { } interval) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, _time, stoppingToken).ConfigureAwait(false);
            try
            {
                await using var turn = (await coordinator.AcquireAsync("garbage-collection", stoppingToken).ConfigureAwait(false)).ConfigureAwait(false);
                await collector.CollectAsync(apply: true, cancellationToken: stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Garbage collection of the blob store failed; it runs again after the interval")]
    private partial void LogFailed(Exception exception);
}
