namespace Nixery.Storage.Azure;

/// <summary>What stopped the store from starting.</summary>
public enum AzureStartupProblem
{
    /// <summary>A setting cannot work (a connection string the SDK cannot read, …).</summary>
    Configuration,

    /// <summary>No credential was found, or the account did not accept it (wrong key, token refused).</summary>
    Credentials,

    /// <summary>The endpoint did not answer, or answered with a server error.</summary>
    Unreachable,

    /// <summary>The container does not exist.</summary>
    ContainerNotFound,

    /// <summary>The identity may not read, write or delete blobs, or may not get a user delegation key.</summary>
    PermissionDenied,
}
