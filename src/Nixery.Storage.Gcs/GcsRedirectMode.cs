namespace Nixery.Storage.Gcs;

/// <summary>How the registry answers a blob request when blobs live in Cloud Storage.</summary>
public enum GcsRedirectMode
{
    /// <summary>A V4 signed URL when something can sign (a service-account key, or IAM signBlob; see <see cref="GcsUrlSigner"/>), so a private bucket works; else the public object URL.</summary>
    Auto,

    /// <summary>Always a V4 signed URL; the start fails when nothing can sign (no key, and no service account known for IAM signBlob).</summary>
    SignedUrl,

    /// <summary>The public object URL: the bucket (or its <c>blobs/</c>) must be readable by <c>allUsers</c>.</summary>
    PublicUrl,

    /// <summary>No redirect: the registry streams blobs from the bucket itself, for clients or networks that cannot follow redirects.</summary>
    None,
}
