using Google.Apis.Auth.OAuth2;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>The credentials found, each scoped for its use.</summary>
/// <param name="Storage">For Cloud Storage calls (scope <c>devstorage.read_write</c>); null with an emulator.</param>
/// <param name="Iam">For IAM signBlob calls (scope <c>cloud-platform</c>); null with an emulator.</param>
/// <param name="Key">The service-account key the credentials hold, if any (it also signs with an emulator).</param>
/// <param name="Compute">The metadata server's credential (GCE, GKE, Cloud Run), which knows its account's e-mail.</param>
/// <param name="Source">How they were found, for messages.</param>
internal sealed record LoadedCredentials(ITokenAccess? Storage, ITokenAccess? Iam, ServiceAccountCredential? Key, ComputeCredential? Compute, string Source);
