using System.Net;
using Google.Apis.Http;

namespace Nixery.Storage.Gcs.Http;

/// <summary>
/// What the storage library (5.0.0) leaves out of its retries, added to its own HTTP pipeline (as one more handler of
/// Google's <see cref="ConfigurableMessageHandler"/>, which counts the tries against <c>NumTries</c>): a dropped
/// connection of any request that is safe to repeat (a read, an upload chunk, or a write that carries
/// <c>ifGenerationMatch</c>), and 408, 429 and 5xx answers to the first request of an upload (which the library's
/// <c>RetryOptions</c> do not cover) and 408 and 429 to upload chunks (5xx the resumable upload handles itself, by
/// asking the session what it holds). Waits grow like the library's: from the initial backoff, doubling, up to the maximum.
/// </summary>
internal sealed class IdempotentRetryHandler(GcsRetryOptions options) : IHttpExceptionHandler, IHttpUnsuccessfulResponseHandler
{
    public async Task<bool> HandleExceptionAsync(HandleExceptionArgs args)
    {
        if (!args.SupportsRetry || args.CancellationToken.IsCancellationRequested) return false;
        if (args.Exception is not (HttpRequestException or IOException) || !IsSafeToRepeat(args.Request)) return false;
        await Task.Delay(Backoff(args.CurrentFailedTry), args.CancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> HandleResponseAsync(HandleUnsuccessfulResponseArgs args)
    {
        if (!args.SupportsRetry || !IsUpload(args.Request, out var start)) return false;
        var status = args.Response.StatusCode;
        var transient = status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (start && (int)status >= 500);
        if (!transient || (start && !HasPrecondition(args.Request))) return false;
        await Task.Delay(Backoff(args.CurrentFailedTry), args.CancellationToken).ConfigureAwait(false);
        return true;
    }

    private TimeSpan Backoff(int failedTry)
    {
        var bound = options.InitialBackoff * Math.Pow(RetryTimingMultiplier, Math.Max(0, failedTry - 1));
        if (bound > options.MaxBackoff) bound = options.MaxBackoff;
        return bound * (0.5 + Random.Shared.NextDouble() / 2);
    }

    private const double RetryTimingMultiplier = 2;

    /// <summary>Reads, upload chunks (resent at the same offset), and writes guarded by a generation precondition.</summary>
    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head
        || (IsUpload(request, out var start) && !start) || HasPrecondition(request);

    /// <summary>Whether the request belongs to an upload, and whether it is the one that starts it.</summary>
    private static bool IsUpload(HttpRequestMessage request, out bool start)
    {
        var uri = request.RequestUri;
        start = request.Method == HttpMethod.Post;
        return uri is not null && uri.AbsolutePath.StartsWith("/upload/", StringComparison.Ordinal)
            && (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put);
    }

    private static bool HasPrecondition(HttpRequestMessage request) =>
        request.RequestUri?.Query.Contains("ifGenerationMatch=", StringComparison.Ordinal) == true;
}
