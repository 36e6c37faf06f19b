namespace Nixery.Storage.S3;

/// <summary>Settings of <see cref="S3Storage"/>, bound from the <c>S3Storage</c> configuration section.</summary>
public sealed class S3StorageOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (all but the last).</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>The bucket's name (the standalone server reads it from <c>S3_BUCKET</c>). Required.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>A folder inside the bucket for everything this registry writes, e.g. <c>nixery/</c> (default: the bucket's root).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// The AWS region, e.g. <c>eu-west-1</c>. When empty the SDK's own chain decides (<c>AWS_REGION</c>, the profile,
    /// the instance metadata); with <see cref="ServiceUrl"/> it is the region requests are signed for (default <c>us-east-1</c>).
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// The endpoint of an S3-compatible store (MinIO, Cloudflare R2, Ceph RADOS Gateway), e.g. <c>http://127.0.0.1:9000</c>.
    /// When empty, AWS's own endpoint of the region (or <c>AWS_ENDPOINT_URL_S3</c>, which the SDK reads itself).
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// Path-style addressing (<c>https://host/bucket/key</c>) instead of virtual-hosted style (<c>https://bucket.host/key</c>);
    /// most S3-compatible stores need it. Default: on when <see cref="ServiceUrl"/> is set, off for AWS.
    /// </summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>
    /// An access key id, for stores outside AWS's credential chain. Give it with <see cref="SecretAccessKey"/>, or neither:
    /// then the SDK's default chain is used (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_PROFILE</c>, web
    /// identity (EKS), ECS task role, EC2 instance profile).
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret of <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>A session token that goes with temporary explicit keys (optional).</summary>
    public string? SessionToken { get; set; }

    /// <summary>How blob requests are answered (default <see cref="S3RedirectMode.PresignedUrl"/>).</summary>
    public S3RedirectMode Redirect { get; set; } = S3RedirectMode.PresignedUrl;

    /// <summary>How long a presigned URL stays valid (default 5 minutes, at most 7 days: SigV4's limit).</summary>
    public TimeSpan PresignedUrlExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Blobs up to this size (default 8 MiB) are held in memory and put straight to their key, create-only; larger ones
    /// go to a <c>staging/</c> object by multipart upload and are copied to their key once complete.
    /// </summary>
    public int MultipartThreshold { get; set; } = 8 * 1024 * 1024;

    /// <summary>The size of one multipart-upload part (default 8 MiB, at least 5 MiB); two parts are held in memory per upload.</summary>
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Whether create-only writes send <c>If-None-Match: *</c> (default on: AWS, MinIO, R2 and Ceph honour it). Turn it off
    /// for a store that rejects the header; the backend still checks for the object first, leaving a narrow race in which
    /// two writers of the same content both write it.
    /// </summary>
    public bool UseConditionalWrites { get; set; } = true;

    /// <summary>Objects per page when listing (default 1000, S3's most).</summary>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>How often the SDK retries a failed request (503, throttling, a dropped connection); default 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>How long one request may take (default 5 minutes).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the start of the host checks the bucket, the credentials and that objects can be written (default on).</summary>
    public bool CheckOnStart { get; set; } = true;
}
