namespace Nixery.Storage.Gcs.Http;

/// <summary>
/// Sends the requests Google.Apis.Auth makes to one Google API (e.g. <c>iamcredentials.googleapis.com</c>, whose address
/// the library builds itself) to another endpoint instead: a private-service-connect name, or a test peer on loopback.
/// Only scheme, host and port change; path and query stay as the library made them.
/// </summary>
internal sealed class EndpointOverrideHandler(string hostPrefix, Uri endpoint, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && uri.Host.StartsWith(hostPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var moved = new UriBuilder(uri) { Scheme = endpoint.Scheme, Host = endpoint.Host, Port = endpoint.Port };
            var basePath = endpoint.AbsolutePath.TrimEnd('/');
            if (basePath.Length > 0) moved.Path = basePath + uri.AbsolutePath;
            request.RequestUri = moved.Uri;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
