using Microsoft.Extensions.Hosting;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Storage;

/// <summary>
/// Runs the storage backend's <see cref="IStorageStartupCheck"/>, when it has one, as the host starts: a bucket that does
/// not exist or credentials that cannot write stop the start with the backend's message, instead of failing every pull.
/// </summary>
internal sealed class StorageStartupCheck(IStorageBackend backend) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        backend is IStorageStartupCheck check ? check.CheckAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
