using Google.Apis.Http;

namespace Nixery.Storage.Gcs.Http;

/// <summary>
/// The HTTP clients of the Google libraries (storage calls, token requests, IAM signBlob) made on the host's named
/// <see cref="System.Net.Http.HttpClient"/> handler (<c>Nixery.Storage.Gcs</c>, where a host configures proxies or
/// handlers), under <see cref="MeteringHandler"/>, and, when an IAM endpoint is configured, sending IAM calls there.
/// The Google libraries keep their own retry and backoff handlers on top; the handler neither follows redirects nor
/// decompresses (the libraries do both themselves).
/// </summary>
internal static class GcsHttpClientFactory
{
    public const string IamHostPrefix = "iamcredentials.";

    public static Google.Apis.Http.IHttpClientFactory Create(Func<HttpMessageHandler> innerHandler, Uri? iamEndpoint) =>
        new HttpClientFromMessageHandlerFactory(_ =>
        {
            HttpMessageHandler handler = new MeteringHandler(innerHandler());
            if (iamEndpoint is not null) handler = new EndpointOverrideHandler(IamHostPrefix, iamEndpoint, handler);
            return new HttpClientFromMessageHandlerFactory.ConfiguredHttpMessageHandler(handler, false, false);
        });
}
