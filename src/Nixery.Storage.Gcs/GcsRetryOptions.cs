namespace Nixery.Storage.Gcs;

/// <summary>
/// Retries of idempotent Cloud Storage calls, made by the storage library itself (its <c>RetryOptions</c>: truncated
/// exponential backoff on 408, 429, 5xx and dropped connections). The library retries a write only when it carries a
/// precondition (<c>ifGenerationMatch</c>), which every write this backend makes does.
/// </summary>
public sealed class GcsRetryOptions
{
    /// <summary>Attempts in all, the first included (default 6): the library's <c>NumTries</c> of each call.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first wait (default 1 s, the library's default).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Waits double after each attempt up to this (default 32 s, the library's default).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>
    /// How long one HTTP call of the library may take, its retries included (default 2 minutes); a resumable upload makes
    /// one such call per chunk.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
