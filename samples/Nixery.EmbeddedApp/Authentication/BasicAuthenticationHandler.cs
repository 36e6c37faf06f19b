using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Nixery.AspNetCore.Registry;

namespace Nixery.EmbeddedApp.Authentication;

/// <summary>
/// HTTP basic authentication against the users in <see cref="BasicAuthenticationOptions"/>, which is what
/// <c>docker login</c> and <c>podman login</c> send. Challenges on the registry's <c>/v2</c> routes answer in the
/// registry's JSON error form, so clients print <c>UNAUTHORIZED: …</c>; the app's other routes get a bare 401.
/// </summary>
public sealed partial class BasicAuthenticationHandler(
    IOptionsMonitor<BasicAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder)
    : AuthenticationHandler<BasicAuthenticationOptions>(options, loggerFactory, encoder)
{
    private const string Prefix = "Basic ";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());

        if (!TryDecode(header.AsSpan(Prefix.Length).Trim(), out var user, out var password))
        {
            LogMalformed(Logger, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("the Authorization header is not valid basic credentials"));
        }
        if (!IsValid(user, password))
        {
            LogRejected(Logger, user, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("wrong user name or password"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The challenge is what makes docker and podman ask for (or send) the credentials of `login`.
        Response.Headers.WWWAuthenticate = new AuthenticationHeaderValue("Basic", $"realm=\"{Options.Realm}\"").ToString();
        if (!IsRegistryRequest())
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure is { } failure
            ? $"{failure.Message} for realm \"{Options.Realm}\""
            : $"authentication required: log in to this registry (realm \"{Options.Realm}\") with podman login or docker login";
        await RegistryErrorResults.Unauthorized(message).ExecuteAsync(Context);
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (IsRegistryRequest()) await RegistryErrorResults.Denied().ExecuteAsync(Context);
        else Response.StatusCode = StatusCodes.Status403Forbidden;
    }

    private bool IsRegistryRequest() => Request.Path.StartsWithSegments("/v2");

    /// <summary>Compares in time that depends on neither the password nor whether the user exists.</summary>
    private bool IsValid(string user, string password)
    {
        var known = Options.Users.TryGetValue(user, out var expected);
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> wanted = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(password), given);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected ?? ""), wanted);
        return CryptographicOperations.FixedTimeEquals(given, wanted) & known & expected is { Length: > 0 };
    }

    private static bool TryDecode(ReadOnlySpan<char> encoded, out string user, out string password)
    {
        user = password = "";
        var bytes = new byte[(encoded.Length + 3) / 4 * 3];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written)) return false;
        var text = Encoding.UTF8.GetString(bytes, 0, written);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return false;
        (user, password) = (text[..colon], text[(colon + 1)..]);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Basic authentication of {UserName} for {RequestPath} failed: wrong user name or password")]
    private static partial void LogRejected(ILogger logger, string userName, PathString requestPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Basic authentication for {RequestPath} failed: malformed credentials")]
    private static partial void LogMalformed(ILogger logger, PathString requestPath);
}
