using System.Collections.Concurrent;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>The requests the Google clients sent (method and URL), recorded below them, for tests that count calls.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public HttpMessageHandler Handler(HttpMessageHandler inner) => new Recorder(this, inner);

    private sealed class Recorder(RequestLog log, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log._lines.Enqueue($"{request.Method} {request.RequestUri}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
