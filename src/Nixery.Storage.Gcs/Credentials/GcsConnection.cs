using Nixery.Storage.Gcs.Api;
using Nixery.Storage.Gcs.Signing;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>A ready client of the bucket, what signs URLs (if anything, else why not), and how the credentials were found.</summary>
internal sealed record GcsConnection(GcsJsonClient Client, Google.Apis.Auth.OAuth2.ITokenAccess? Credential, IUrlSigner? Signer, string CredentialSource,
    string? NoSignerReason = null);
