using Google.Apis.Auth.OAuth2;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>An access token that never changes, for a peer that checks the bearer token.</summary>
internal sealed class StaticToken(string token) : ITokenAccess
{
    public Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default) => Task.FromResult(token);
}
