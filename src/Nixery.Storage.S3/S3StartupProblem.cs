namespace Nixery.Storage.S3;

/// <summary>What stopped the store from starting.</summary>
public enum S3StartupProblem
{
    /// <summary>A setting is missing or cannot work (no region for AWS, …).</summary>
    Configuration,

    /// <summary>No credentials were found, or the store did not accept them (unknown key, bad signature).</summary>
    Credentials,

    /// <summary>The endpoint did not answer, or answered with a server error.</summary>
    Unreachable,

    /// <summary>The bucket does not exist.</summary>
    BucketNotFound,

    /// <summary>The credentials may not list, write or delete the bucket's objects.</summary>
    PermissionDenied,
}
