namespace Nixery.Abstractions.Storage;

/// <summary>
/// Optional capability of an <see cref="IStorageBackend"/> whose objects clients can fetch from somewhere else (a signed or
/// public URL). The registry then answers blob requests with <c>307 Temporary Redirect</c> there instead of streaming.
/// </summary>
public interface IStorageRedirects
{
    /// <summary>
    /// Where a client can fetch the object at <paramref name="key"/> with <paramref name="method"/> (GET or HEAD), or null to
    /// stream it through the registry (redirects turned off, or none possible now). Called only for objects that exist.
    /// </summary>
    Task<Uri?> GetRedirectAsync(string key, HttpMethod method, CancellationToken cancellationToken);
}
