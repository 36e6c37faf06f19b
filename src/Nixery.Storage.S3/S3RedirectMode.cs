namespace Nixery.Storage.S3;

/// <summary>How the registry answers a blob request when blobs live in S3.</summary>
public enum S3RedirectMode
{
    /// <summary>A presigned URL (SigV4 query signature, valid for <see cref="S3StorageOptions.PresignedUrlExpiry"/>), so a private bucket works.</summary>
    PresignedUrl,

    /// <summary>No redirect: the registry streams blobs from the bucket itself, for clients or networks that cannot reach the store.</summary>
    None,
}
