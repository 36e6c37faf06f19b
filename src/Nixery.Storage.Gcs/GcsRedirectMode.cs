namespace Nixery.Storage.Gcs;

/// <summary>How the registry answers a blob request when blobs live in Cloud Storage.</summary>
public enum GcsRedirectMode
{
    /// <summary>A V4 signed URL when a service-account key is available (a private bucket works), else the public object URL.</summary>
    Auto,

    /// <summary>Always a V4 signed URL; the start fails when no service-account key is available to sign with.</summary>
    SignedUrl,

    /// <summary>The public object URL: the bucket (or its <c>blobs/</c>) must be readable by <c>allUsers</c>.</summary>
    PublicUrl,

    /// <summary>No redirect: the registry streams blobs from the bucket itself, for clients or networks that cannot follow redirects.</summary>
    None,
}
