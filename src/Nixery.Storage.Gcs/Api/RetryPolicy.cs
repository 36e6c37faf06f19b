using System.Net;
using Microsoft.Extensions.Logging;

namespace Nixery.Storage.Gcs.Api;

/// <summary>
/// Truncated exponential backoff with full jitter for idempotent calls: after a transient failure (408, 429, 5xx, a
/// dropped connection or an attempt that timed out) wait a random time below the current bound, double the bound up
/// to its maximum, and try again until the attempts run out. Non-idempotent calls get exactly one attempt.
/// </summary>
internal sealed partial class RetryPolicy(GcsRetryOptions options, ILogger logger, Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? Task.Delay;

    public GcsRetryOptions Options => options;

    public async Task<T> ExecuteAsync<T>(string operation, string objectName, bool idempotent,
        Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options);
        for (var number = 1; ; number++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.AttemptTimeout);
            try
            {
                return await attempt(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsTransient(exception, cancellationToken))
            {
                if (!idempotent || number >= Math.Max(1, options.MaxAttempts)) throw;
                var wait = backoff.Next();
                LogRetry(operation, objectName, number, Describe(exception), wait.TotalMilliseconds);
                GcsDiagnostics.Retries.Add(1, new KeyValuePair<string, object?>("operation", operation));
                await _delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits before the next attempt of a sequence the caller drives itself (resumable uploads).</summary>
    public Task WaitAsync(Backoff backoff, string operation, string objectName, int attempt, Exception exception, CancellationToken cancellationToken)
    {
        var wait = backoff.Next();
        LogRetry(operation, objectName, attempt, Describe(exception), wait.TotalMilliseconds);
        GcsDiagnostics.Retries.Add(1, new KeyValuePair<string, object?>("operation", operation));
        return _delay(wait, cancellationToken);
    }

    /// <summary>Whether a status is worth another attempt: 408, 429 and every 5xx.</summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Whether a failure is transient: a retryable status, a broken connection, or an attempt that timed out.</summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        GcsStorageException storage => IsRetryable(storage.StatusCode),
        HttpRequestException => true,
        IOException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    private static string Describe(Exception exception) => exception switch
    {
        GcsStorageException storage => $"{(int)storage.StatusCode} {storage.StatusCode}",
        OperationCanceledException => "attempt timed out",
        _ => exception.GetBaseException().Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cloud Storage {Operation} of {ObjectName} failed on attempt {Attempt} ({Failure}); retrying in {DelayMs:F0} ms")]
    private partial void LogRetry(string operation, string objectName, int attempt, string failure, double delayMs);

    /// <summary>The growing bound of one call's waits.</summary>
    internal sealed class Backoff(GcsRetryOptions options)
    {
        private TimeSpan _bound = options.InitialBackoff;

        public TimeSpan Next()
        {
            var wait = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * _bound.Ticks));
            var doubled = _bound * 2;
            _bound = doubled > options.MaxBackoff ? options.MaxBackoff : doubled;
            return wait;
        }
    }
}
