using Microsoft.AspNetCore.Http;
using Nixery.Abstractions.Storage;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// A manifest answer: <c>Content-Type</c> is the manifest's own media type (no parameters, as clients compare it
/// literally), with <c>Content-Length</c> and <c>Docker-Content-Digest</c>. Without a body it answers a HEAD.
/// </summary>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="Size">The manifest's size in bytes.</param>
/// <param name="Body">The manifest's bytes, or null for a HEAD; disposed once written.</param>
internal sealed record ManifestResult(string MediaType, Digest Digest, long Size, Stream? Body) : IResult
{
    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaType;
        response.ContentLength = Size;
        response.Headers[RegistryHeaders.ContentDigest] = Digest.ToString();
        if (Body is null) return;
        await using (Body.ConfigureAwait(false))
        {
            if (HttpMethods.IsHead(httpContext.Request.Method)) return;
            await Body.CopyToAsync(response.Body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
