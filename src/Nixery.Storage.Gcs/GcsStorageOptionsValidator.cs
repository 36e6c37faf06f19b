using Microsoft.Extensions.Options;
using Nixery.Storage.Gcs.Signing;

namespace Nixery.Storage.Gcs;

/// <summary>Checks <see cref="GcsStorageOptions"/> when the host starts, naming each setting that is wrong.</summary>
internal sealed class GcsStorageOptionsValidator : IValidateOptions<GcsStorageOptions>
{
    private const int Granularity = 256 * 1024;

    public ValidateOptionsResult Validate(string? name, GcsStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
            failures.Add("GcsStorage:Bucket is required: the name of the bucket that holds the layers (the standalone server reads it from GCS_BUCKET)");
        if (options.ChunkSize < Granularity || options.ChunkSize % Granularity != 0)
            failures.Add($"GcsStorage:ChunkSize must be a positive multiple of 256 KiB ({Granularity} bytes), not {options.ChunkSize}");
        if (options.ResumableThreshold < 0 || options.ResumableThreshold > options.ChunkSize)
            failures.Add($"GcsStorage:ResumableThreshold must be between 0 and ChunkSize ({options.ChunkSize}), not {options.ResumableThreshold}");
        if (options.SignedUrlExpiry <= TimeSpan.Zero || options.SignedUrlExpiry > TimeSpan.FromDays(7))
            failures.Add($"GcsStorage:SignedUrlExpiry must be more than zero and at most 7 days (Google's limit), not {options.SignedUrlExpiry}");
        if (options.UrlStyle == UrlStyle.BucketBoundHostname && string.IsNullOrWhiteSpace(options.BucketBoundHostname))
            failures.Add("GcsStorage:BucketBoundHostname is required when UrlStyle is BucketBoundHostname");
        if (options.ListPageSize is < 1 or > 1000)
            failures.Add($"GcsStorage:ListPageSize must be between 1 and 1000, not {options.ListPageSize}");
        if (options.Retry.MaxAttempts < 1)
            failures.Add($"GcsStorage:Retry:MaxAttempts must be at least 1, not {options.Retry.MaxAttempts}");
        if (options.Retry.AttemptTimeout <= TimeSpan.Zero)
            failures.Add("GcsStorage:Retry:AttemptTimeout must be positive");
        if (options.Retry.InitialBackoff <= TimeSpan.Zero || options.Retry.MaxBackoff < options.Retry.InitialBackoff)
            failures.Add($"GcsStorage:Retry:InitialBackoff must be positive and at most Retry:MaxBackoff, not {options.Retry.InitialBackoff} and {options.Retry.MaxBackoff}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
