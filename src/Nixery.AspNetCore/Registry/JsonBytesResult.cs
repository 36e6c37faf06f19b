using Microsoft.AspNetCore.Http;

namespace Nixery.AspNetCore.Registry;

/// <summary>A 200 answer of ready-made JSON bytes (<c>Content-Type: application/json</c>); no body for a HEAD.</summary>
internal sealed class JsonBytesResult(byte[] body) : IResult
{
    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(httpContext.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
