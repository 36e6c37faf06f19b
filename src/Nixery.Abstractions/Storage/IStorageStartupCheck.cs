namespace Nixery.Abstractions.Storage;

/// <summary>
/// Optional capability of an <see cref="IStorageBackend"/>: a check, run once when the host starts, that the storage is
/// reachable and usable as configured (credentials, bucket, permissions), so that a wrong setting stops the start.
/// </summary>
public interface IStorageStartupCheck
{
    /// <summary>Checks the storage; throws an exception whose message says what is wrong and which setting to change.</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
