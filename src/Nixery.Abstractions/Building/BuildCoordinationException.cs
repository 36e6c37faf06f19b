namespace Nixery.Abstractions.Building;

/// <summary>
/// The build coordinator (for example Redis) could not be reached, so the engine cannot tell whether another replica
/// is building the image. The registry answers <c>503 UNAVAILABLE</c> with <c>Retry-After</c>: the client's request
/// was fine, and trying again once the coordinator is back succeeds.
/// </summary>
public sealed class BuildCoordinationException(string message, Exception? inner = null) : NixeryException(message, inner)
{
    /// <summary>When trying again has a chance.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
