using Google.Apis.Auth.OAuth2;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>The credentials found, and how.</summary>
/// <param name="Credential">The credentials (made on the backend's HTTP clients), or null with an emulator and no credentials file.</param>
/// <param name="Source">How they were found, for messages.</param>
/// <param name="ForStorage">Whether storage calls carry them (not with an emulator, which takes no tokens).</param>
internal sealed record LoadedCredentials(GoogleCredential? Credential, string Source, bool ForStorage)
{
    /// <summary>The service-account key the credentials hold, if any.</summary>
    public ServiceAccountCredential? Key => Credential?.UnderlyingCredential as ServiceAccountCredential;

    /// <summary>The metadata server's credential (GCE, GKE, Cloud Run), if that is what they are.</summary>
    public ComputeCredential? Compute => Credential?.UnderlyingCredential as ComputeCredential;
}
