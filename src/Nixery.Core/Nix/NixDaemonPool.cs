using System.Collections.Concurrent;

namespace Nixery.Core.Nix;

/// <summary>
/// The daemon connections of one <see cref="NixClient"/>: one per build, used once. A daemon holds temporary GC roots
/// for all it built until it exits, so a connection kept for the next build would keep every closure it ever realised
/// from <c>nix-collect-garbage</c>. Instead each used connection is ended and a spare started in the background after
/// the build, so the next build neither waits for a daemon to start nor shares the processors with one starting.
/// </summary>
internal sealed class NixDaemonPool(NixOptions options) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Task<NixDaemonConnection>> _spares = new();

    /// <summary>A started connection (a spare when there is one), and another spare on its way.</summary>
    public async Task<NixDaemonConnection> RentAsync(CancellationToken cancellationToken)
    {
        var rented = _spares.TryDequeue(out var spare) ? spare : StartAsync();
        try
        {
            return await rented.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Nobody will use it: end it once it has started.
            _ = rented.ContinueWith(started => started.Result.DisposeAsync().AsTask(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// Ends a connection whose build is over (its temporary roots go with it; the build's own roots stay), and starts
    /// the spare for the next build, both off the build's path.
    /// </summary>
    public void Release(NixDaemonConnection connection)
    {
        _ = Task.Run(async () =>
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (_spares.IsEmpty) _spares.Enqueue(StartAsync());
        });
    }

    public async ValueTask DisposeAsync()
    {
        while (_spares.TryDequeue(out var spare))
        {
            try
            {
                await (await spare.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or IOException)
            {
                // It never started.
            }
        }
    }

    // Not tied to one request's cancellation: a spare serves whichever build comes next.
    private Task<NixDaemonConnection> StartAsync() => NixDaemonConnection.StartAsync(options, CancellationToken.None);
}
