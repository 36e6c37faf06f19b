using Microsoft.AspNetCore.Http;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// A 200 answer of ready-made JSON bytes (<c>Content-Type: application/json</c>, or the JSON type given, such as an OCI
/// index's); no body for a HEAD.
/// </summary>
internal sealed class JsonBytesResult(byte[] body, string contentType = "application/json") : IResult
{
    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(httpContext.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
