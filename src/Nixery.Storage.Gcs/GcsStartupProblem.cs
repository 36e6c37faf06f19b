namespace Nixery.Storage.Gcs;

/// <summary>What stopped the store from starting.</summary>
public enum GcsStartupProblem
{
    /// <summary>A setting is missing or invalid (no bucket, a chunk size that is not a multiple of 256 KiB, …).</summary>
    Configuration,

    /// <summary>No credentials were found, or they could not be read or get an access token.</summary>
    Credentials,

    /// <summary>The endpoint did not answer.</summary>
    Unreachable,

    /// <summary>The bucket does not exist.</summary>
    BucketNotFound,

    /// <summary>The credentials may not list, read or write the bucket's objects.</summary>
    PermissionDenied,
}
