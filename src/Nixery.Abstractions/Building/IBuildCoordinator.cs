namespace Nixery.Abstractions.Building;

/// <summary>
/// Decides who builds an image when several requests, in this process or in other replicas, ask for it at once: one
/// holder per image key builds while the others wait, then find the holder's result in the shared store.
/// </summary>
/// <remarks>
/// The engine's default is in-process (one holder per key in this process). A distributed coordinator (for example
/// <c>Nixery.Coordination.Redis</c>) gives one holder in the whole cluster; its hold must lapse on its own when the
/// holder dies, so that a waiting replica takes over.
/// </remarks>
public interface IBuildCoordinator
{
    /// <summary>
    /// Waits until this caller holds the build of <paramref name="key"/>; disposing the result lets the next waiter in.
    /// </summary>
    /// <param name="key">The image's build key: the same for every request of the same image, a short hex string.</param>
    /// <param name="cancellationToken">Stops waiting (the caller's request went away).</param>
    /// <exception cref="BuildCoordinationException">The coordinator cannot be reached.</exception>
    ValueTask<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken);
}
