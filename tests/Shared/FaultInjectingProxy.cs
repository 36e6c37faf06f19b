using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Nixery.Testing;

/// <summary>
/// A reverse proxy on loopback (YARP's forwarder in a Kestrel host) in front of a real server, such as a storage emulator,
/// that injects the faults the emulator cannot: a <c>503</c> instead of an answer, a connection cut after some bytes of
/// the request body, or a delay. Faults are queued for requests that match a predicate and used once each. Linked into
/// each test project that needs it.
/// </summary>
internal sealed class FaultInjectingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(Func<HttpRequest, bool> Match, Fault Fault)> _faults = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Lock _take = new();

    private FaultInjectingProxy(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>Where clients connect instead of the upstream server.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every request seen, as <c>METHOD path?query</c>, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>How many faults are still waiting for a matching request.</summary>
    public int PendingFaults => _faults.Count;

    /// <summary>
    /// Starts a proxy forwarding everything to <paramref name="upstream"/>. With <paramref name="preserveHost"/> the
    /// upstream gets the client's <c>Host</c> (the proxy's address) instead of its own: S3's SigV4 signs the host, so a
    /// signature made for the proxy's address only verifies when the upstream sees that address.
    /// </summary>
    public static async Task<FaultInjectingProxy> StartAsync(Uri upstream, bool preserveHost = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Limits.MaxRequestBodySize = null).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        });
        FaultInjectingProxy? proxy = null;
        app.Run(async context =>
        {
            proxy!._requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            var fault = proxy.TakeFault(context.Request);
            switch (fault?.Kind)
            {
                case FaultKind.ServiceUnavailable:
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    await context.Response.WriteAsync("injected 503");
                    return;
                case FaultKind.CutRequestBody:
                    var buffer = new byte[8192];
                    long read = 0;
                    while (read < fault.Bytes)
                    {
                        var n = await context.Request.Body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, fault.Bytes - read)));
                        if (n == 0) break;
                        read += n;
                    }
                    context.Abort();
                    return;
                case FaultKind.Delay:
                    await Task.Delay(fault.Duration, context.RequestAborted);
                    break;
            }
            var forwarder = context.RequestServices.GetRequiredService<IHttpForwarder>();
            await forwarder.SendAsync(context, upstream.GetLeftPart(UriPartial.Authority), invoker, ForwarderRequestConfig.Empty,
                new RawTargetTransformer(upstream, proxy.Endpoint, preserveHost));
        });
        await app.StartAsync();
        proxy = new FaultInjectingProxy(app, LoopbackServer.AddressOf(app));
        return proxy;
    }

    /// <summary>
    /// Forwards the request target exactly as the client sent it (the default transformer re-encodes the decoded path, so
    /// an escaped <c>%2F</c> in an object name would reach the upstream as <c>/</c>), and points <c>Location</c> headers
    /// that name the upstream (e.g. a resumable upload's session URI) at the proxy, so that clients stay behind it.
    /// </summary>
    private sealed class RawTargetTransformer(Uri upstream, Uri proxy, bool preserveHost) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            var raw = httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
            if (!string.IsNullOrEmpty(raw) && raw.StartsWith('/')) proxyRequest.RequestUri = new Uri(destinationPrefix.TrimEnd('/') + raw);
            if (preserveHost) proxyRequest.Headers.Host = httpContext.Request.Host.Value;
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            var upstreamRoot = upstream.GetLeftPart(UriPartial.Authority);
            var location = httpContext.Response.Headers.Location.ToString();
            if (location.StartsWith(upstreamRoot, StringComparison.OrdinalIgnoreCase))
                httpContext.Response.Headers.Location = proxy.GetLeftPart(UriPartial.Authority) + location[upstreamRoot.Length..];
            return result;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> matching requests with <c>503 Service Unavailable</c>.</summary>
    public void FailWith503(Func<HttpRequest, bool> match, int count = 1) => Add(match, count, new Fault(FaultKind.ServiceUnavailable, 0, TimeSpan.Zero));

    /// <summary>Reads <paramref name="bytes"/> of the next matching requests' bodies, then cuts the connection.</summary>
    public void CutRequestBody(Func<HttpRequest, bool> match, long bytes, int count = 1) => Add(match, count, new Fault(FaultKind.CutRequestBody, bytes, TimeSpan.Zero));

    /// <summary>Holds the next matching requests for <paramref name="duration"/> before forwarding them.</summary>
    public void Delay(Func<HttpRequest, bool> match, TimeSpan duration, int count = 1) => Add(match, count, new Fault(FaultKind.Delay, 0, duration));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Add(Func<HttpRequest, bool> match, int count, Fault fault)
    {
        for (var i = 0; i < count; i++) _faults.Enqueue((match, fault));
    }

    /// <summary>The first queued fault whose predicate matches, removed; the others keep their order.</summary>
    private Fault? TakeFault(HttpRequest request)
    {
        lock (_take)
        {
            Fault? taken = null;
            var kept = new List<(Func<HttpRequest, bool>, Fault)>();
            while (_faults.TryDequeue(out var entry))
            {
                if (taken is null && entry.Match(request)) taken = entry.Fault;
                else kept.Add(entry);
            }
            foreach (var entry in kept) _faults.Enqueue(entry);
            return taken;
        }
    }

    private enum FaultKind
    {
        ServiceUnavailable,
        CutRequestBody,
        Delay,
    }

    private sealed record Fault(FaultKind Kind, long Bytes, TimeSpan Duration);
}
