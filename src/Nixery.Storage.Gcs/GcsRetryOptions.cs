namespace Nixery.Storage.Gcs;

/// <summary>
/// Retries of idempotent Cloud Storage calls after 408, 429, 5xx or a dropped connection: truncated exponential backoff
/// with full jitter, as Google recommends. Calls that are not idempotent (none that this store makes without a
/// precondition) are never retried.
/// </summary>
public sealed class GcsRetryOptions
{
    /// <summary>Attempts in all, the first included (default 6).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The upper bound of the first wait (default 1 s); each wait is random between zero and its bound.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The bound doubles after each attempt up to this (default 32 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>How long one attempt of one call may take before it counts as a dropped connection (default 2 minutes).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
