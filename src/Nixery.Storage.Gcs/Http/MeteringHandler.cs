using System.Diagnostics;

namespace Nixery.Storage.Gcs.Http;

/// <summary>
/// Counts every HTTP attempt the Google libraries make (below their retry handler, so each retry is one more), with its
/// status and duration, for <see cref="GcsDiagnostics"/>. The storage library numbers attempts in the
/// <c>x-goog-api-client</c> header (<c>gccl-attempt-count/N</c>); an attempt after the first is counted as a retry.
/// </summary>
internal sealed class MeteringHandler : DelegatingHandler
{
    private const string AttemptMarker = "gccl-attempt-count/";

    public MeteringHandler(HttpMessageHandler inner) : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = new KeyValuePair<string, object?>("method", request.Method.Method);
        if (IsRetry(request)) GcsDiagnostics.Retries.Add(1, method);
        if (request.Content?.Headers.ContentLength is > 0 and var length) GcsDiagnostics.BytesUploaded.Add(length);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            GcsDiagnostics.Requests.Add(1, method, new KeyValuePair<string, object?>("status", (int)response.StatusCode));
            return response;
        }
        catch (HttpRequestException)
        {
            GcsDiagnostics.Requests.Add(1, method, new KeyValuePair<string, object?>("status", 0));
            throw;
        }
        finally
        {
            GcsDiagnostics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, method);
        }
    }

    private static bool IsRetry(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("x-goog-api-client", out var values)) return false;
        foreach (var value in values)
        {
            var at = value.IndexOf(AttemptMarker, StringComparison.Ordinal);
            if (at < 0) continue;
            var digits = value.AsSpan(at + AttemptMarker.Length);
            var end = digits.IndexOf(' ');
            if (int.TryParse(end < 0 ? digits : digits[..end], out var attempt) && attempt > 1) return true;
        }
        return false;
    }
}
