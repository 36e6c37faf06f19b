using Nixery.Storage.Gcs.Signing;

namespace Nixery.Storage.Gcs;

/// <summary>Settings of <see cref="GcsStorage"/>, bound from the <c>GcsStorage</c> configuration section.</summary>
public sealed class GcsStorageOptions
{
    /// <summary>The bucket's name (the server reads it from <c>GCS_BUCKET</c>). Required.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>A folder inside the bucket for everything this registry writes, e.g. <c>nixery/</c> (default: the bucket's root).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// A credentials JSON file (a service-account key, or any file <c>gcloud</c> writes). When empty, application default
    /// credentials are used: <c>GOOGLE_APPLICATION_CREDENTIALS</c>, gcloud's own login, then the metadata server. A
    /// service-account key is also what signs redirect URLs.
    /// </summary>
    public string? CredentialsFile { get; set; }

    /// <summary>
    /// An emulator's address (<c>host:port</c> or a URL). Defaults to <c>STORAGE_EMULATOR_HOST</c>. With an emulator no
    /// access tokens are sent; a key given in <see cref="CredentialsFile"/> still signs URLs.
    /// </summary>
    public string? EmulatorHost { get; set; }

    /// <summary>The JSON API's endpoint when not Google's own (<c>https://storage.googleapis.com/</c>), e.g. a private-service-connect name.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>How blob requests are answered (default <see cref="GcsRedirectMode.Auto"/>).</summary>
    public GcsRedirectMode Redirect { get; set; } = GcsRedirectMode.Auto;

    /// <summary>
    /// What signs URLs (default <see cref="GcsUrlSigner.Auto"/>: a service-account key, else IAM signBlob when the
    /// service account is known, e.g. from the metadata server on GCE, GKE and Cloud Run).
    /// </summary>
    public GcsUrlSigner UrlSigner { get; set; } = GcsUrlSigner.Auto;

    /// <summary>
    /// The service account IAM signBlob signs as (its e-mail). Default: the key's account, else the metadata server's
    /// default account. The registry's credentials need <c>roles/iam.serviceAccountTokenCreator</c> on it.
    /// </summary>
    public string? SigningServiceAccount { get; set; }

    /// <summary>
    /// The IAM Service Account Credentials API's endpoint when not <c>https://iamcredentials.googleapis.com/</c> (e.g. a
    /// private-service-connect name): the signBlob calls Google.Apis.Auth makes are sent there.
    /// </summary>
    public Uri? IamEndpoint { get; set; }

    /// <summary>How long a signed URL stays valid (default 5 minutes, at most 7 days).</summary>
    public TimeSpan SignedUrlExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How signed and public URLs name the bucket (default path style).</summary>
    public UrlStyle UrlStyle { get; set; } = UrlStyle.PathStyle;

    /// <summary>For <see cref="Signing.UrlStyle.BucketBoundHostname"/>: the domain that serves the bucket, e.g. <c>layers.example.com</c>.</summary>
    public string? BucketBoundHostname { get; set; }

    /// <summary>
    /// Blobs up to this size (default 8 MiB) are held in memory and uploaded straight to their key, only if absent, with
    /// their checksums for Cloud Storage to check; larger ones are streamed into a resumable upload of a <c>staging/</c>
    /// object, and copied to their key (only if absent) once complete.
    /// </summary>
    public int ResumableThreshold { get; set; } = 8 * 1024 * 1024;

    /// <summary>The size of one resumable-upload request, a multiple of 256 KiB (default 8 MiB); one chunk is held in memory per upload.</summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Objects per page when listing (default 1000, Cloud Storage's most); the listing follows page tokens to the end.</summary>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>Retries of idempotent calls.</summary>
    public GcsRetryOptions Retry { get; set; } = new();

    /// <summary>Whether the start of the host checks the bucket and the credentials (default on).</summary>
    public bool CheckOnStart { get; set; } = true;
}
