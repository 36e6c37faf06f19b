namespace Nixery.AspNetCore.Registry;

/// <summary>The error codes of the OCI Distribution specification that this registry answers with.</summary>
internal static class RegistryErrorCodes
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string DigestInvalid = "DIGEST_INVALID";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string NameInvalid = "NAME_INVALID";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Denied = "DENIED";
    public const string Unsupported = "UNSUPPORTED";
    public const string TooManyRequests = "TOOMANYREQUESTS";

    /// <summary>
    /// Not in the OCI list, which has no code for it, but Docker's registry's and its clients' for a <c>tags/list</c>
    /// <c>n</c> that is not a number of results.
    /// </summary>
    public const string PaginationNumberInvalid = "PAGINATION_NUMBER_INVALID";

    /// <summary>Not in the OCI list, but in Docker's registry: the service is down for a while (503).</summary>
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>Not in the OCI list, but in Docker's registry and printed by its clients: anything else.</summary>
    public const string Unknown = "UNKNOWN";
}
