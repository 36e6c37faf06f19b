using Microsoft.Extensions.Options;

namespace Nixery.Storage.S3;

/// <summary>Checks <see cref="S3StorageOptions"/> when the host starts, naming each setting that is wrong.</summary>
internal sealed class S3StorageOptionsValidator : IValidateOptions<S3StorageOptions>
{
    // Two parts are held in memory per upload; S3 itself allows up to 5 GiB.
    private const int MaximumPartSize = 1024 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, S3StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
            failures.Add("S3Storage:Bucket is required: the name of the bucket that holds the layers (the standalone server reads it from S3_BUCKET)");
        else if (options.Bucket.Length is < 3 or > 63 || options.Bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')))
            failures.Add($"S3Storage:Bucket '{options.Bucket}' is not a bucket name: 3 to 63 characters of a-z, 0-9, '.' and '-'");
        if (options.ServiceUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            failures.Add($"S3Storage:ServiceUrl must be an absolute http or https URL, not '{url}'");
        if (string.IsNullOrEmpty(options.AccessKeyId) != string.IsNullOrEmpty(options.SecretAccessKey))
            failures.Add("S3Storage:AccessKeyId and S3Storage:SecretAccessKey go together: give both, or neither to use the SDK's credential chain");
        if (!string.IsNullOrEmpty(options.SessionToken) && string.IsNullOrEmpty(options.AccessKeyId))
            failures.Add("S3Storage:SessionToken needs S3Storage:AccessKeyId and S3Storage:SecretAccessKey");
        if (options.PartSize < S3StorageOptions.MinimumPartSize || options.PartSize > MaximumPartSize)
            failures.Add($"S3Storage:PartSize must be between 5 MiB ({S3StorageOptions.MinimumPartSize} bytes, S3's smallest part) and 1 GiB, not {options.PartSize}");
        if (options.MultipartThreshold < 0 || options.MultipartThreshold > options.PartSize)
            failures.Add($"S3Storage:MultipartThreshold must be between 0 and PartSize ({options.PartSize}), not {options.MultipartThreshold}");
        if (options.PresignedUrlExpiry <= TimeSpan.Zero || options.PresignedUrlExpiry > TimeSpan.FromDays(7))
            failures.Add($"S3Storage:PresignedUrlExpiry must be more than zero and at most 7 days (SigV4's limit), not {options.PresignedUrlExpiry}");
        if (options.ListPageSize is < 1 or > 1000)
            failures.Add($"S3Storage:ListPageSize must be between 1 and 1000, not {options.ListPageSize}");
        if (options.MaxRetries is < 0 or > 20)
            failures.Add($"S3Storage:MaxRetries must be between 0 and 20, not {options.MaxRetries}");
        if (options.RequestTimeout <= TimeSpan.Zero)
            failures.Add($"S3Storage:RequestTimeout must be positive, not {options.RequestTimeout}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
