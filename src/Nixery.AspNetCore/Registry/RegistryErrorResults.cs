using Microsoft.AspNetCore.Http;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// Errors in the registry's JSON form (<c>{"errors":[{"code":…,"message":…,"detail":null}]}</c>,
/// <c>Content-Type: application/json</c>, with <c>Docker-Distribution-API-Version</c>) for a host's own middleware on
/// the <c>/v2</c> routes, e.g. an authentication handler's challenge, so that docker and podman print its message.
/// </summary>
public static class RegistryErrorResults
{
    /// <summary>
    /// <c>401 UNAUTHORIZED</c>. The host adds its own <c>WWW-Authenticate</c> challenge, which is what makes docker and
    /// podman ask for credentials.
    /// </summary>
    public static IResult Unauthorized(string message = "authentication required") =>
        Create(StatusCodes.Status401Unauthorized, RegistryErrorCodes.Unauthorized, message);

    /// <summary><c>403 DENIED</c>: the client is known but may not pull.</summary>
    public static IResult Denied(string message = "requested access to the resource is denied") =>
        Create(StatusCodes.Status403Forbidden, RegistryErrorCodes.Denied, message);

    /// <summary>An error with any status and code of the distribution specification (e.g. <c>TOOMANYREQUESTS</c> for a rate limiter's rejection).</summary>
    /// <param name="statusCode">The HTTP status, 400 or above.</param>
    /// <param name="code">The error code, e.g. <c>UNAUTHORIZED</c>.</param>
    /// <param name="message">What went wrong, for a person; clients print it as <c>code: message</c>.</param>
    public static IResult Create(int statusCode, string code, string message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentNullException.ThrowIfNull(message);
        return new RegistryError(statusCode, code, message)
        {
            Headers = new Dictionary<string, string> { [RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue },
        };
    }
}
