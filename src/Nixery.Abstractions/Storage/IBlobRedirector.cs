namespace Nixery.Abstractions.Storage;

/// <summary>
/// Optionally implemented by an <see cref="IBlobStore"/> whose blobs clients can fetch from somewhere else (an object
/// store's signed or public URL). The registry then answers blob requests with <c>307 Temporary Redirect</c> to that
/// URL instead of streaming the bytes itself. Stores that do not implement it are streamed through the registry.
/// </summary>
public interface IBlobRedirector
{
    /// <summary>
    /// Where a client can fetch a stored blob with <paramref name="method"/> (GET or HEAD), or null to serve it
    /// through the registry (redirects turned off, or none possible for this blob). Called only for blobs that
    /// <see cref="IBlobStore.StatAsync"/> found.
    /// </summary>
    Task<Uri?> GetRedirectAsync(Digest digest, HttpMethod method, CancellationToken cancellationToken = default);
}
