using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Nixery.Storage.S3;

/// <summary>The SDK's client as the options describe it.</summary>
internal static class S3ClientFactory
{
    /// <summary>The region requests to an S3-compatible endpoint are signed for when none is given.</summary>
    public const string DefaultCompatibleRegion = "us-east-1";

    /// <exception cref="AmazonClientException">The SDK finds no region (and no endpoint is given).</exception>
    public static AmazonS3Client Create(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle ?? options.ServiceUrl is not null,
            MaxErrorRetry = options.MaxRetries,
            RetryMode = RequestRetryMode.Standard,
            Timeout = options.RequestTimeout,
            // Checksums only where S3 requires them: S3-compatible stores do not all know the newer flexible checksums and
            // their aws-chunked trailers (measured: s3rver stores the framing). Every put and part carries Content-MD5
            // instead, and its signed SHA-256, which every S3 store checks.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = string.IsNullOrEmpty(options.Region) ? DefaultCompatibleRegion : options.Region;
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (string.IsNullOrEmpty(options.AccessKeyId)) return new AmazonS3Client(config); // the SDK's default credential chain
        AWSCredentials credentials = string.IsNullOrEmpty(options.SessionToken)
            ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
            : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
        return new AmazonS3Client(credentials, config);
    }
}
