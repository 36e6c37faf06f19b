using System.Text;
using System.Text.Json;
using Azure.Core;

namespace Nixery.Storage.Azure.Tests.Support;

/// <summary>
/// Access tokens shaped like Entra ID's for Azure Storage (issuer <c>https://sts.windows.net/TENANT/</c>, audience
/// <c>https://storage.azure.com</c>, an object id) but not signed: what Azurite's basic OAuth accepts.
/// </summary>
public sealed class UnsignedTokenCredential(string audience = "https://storage.azure.com", TimeSpan? lifetime = null) : TokenCredential
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string ObjectId = "6a1b5e3c-0d2e-4f8a-9b7c-1e2d3f4a5b6c";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        var header = Encode(new { alg = "RS256", typ = "JWT" });
        var claims = Encode(new
        {
            aud = audience,
            iss = $"https://sts.windows.net/{TenantId}/",
            nbf = now.AddMinutes(-5).ToUnixTimeSeconds(),
            iat = now.AddMinutes(-5).ToUnixTimeSeconds(),
            exp = expires.ToUnixTimeSeconds(),
            oid = ObjectId,
            tid = TenantId,
        });
        return new AccessToken($"{header}.{claims}.{Base64Url("not-signed"u8.ToArray())}", expires);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    private static string Encode(object value) => Base64Url(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
