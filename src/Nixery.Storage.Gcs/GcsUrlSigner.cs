namespace Nixery.Storage.Gcs;

/// <summary>What signs V4 signed URLs for redirects.</summary>
public enum GcsUrlSigner
{
    /// <summary>
    /// A service-account key when the credentials hold one; otherwise the IAM <c>signBlob</c> method when the service
    /// account's e-mail is known (<see cref="GcsStorageOptions.SigningServiceAccount"/>, or the metadata server's default
    /// account on GCE, GKE and Cloud Run); otherwise nothing, and <see cref="GcsRedirectMode.Auto"/> redirects to public URLs.
    /// </summary>
    Auto,

    /// <summary>Only a service-account key from the credentials; never IAM.</summary>
    Key,

    /// <summary>
    /// Always the IAM Service Account Credentials API's <c>signBlob</c>, as the service account
    /// <see cref="GcsStorageOptions.SigningServiceAccount"/> (or the metadata server's default account, or the key's).
    /// The caller needs <c>iam.serviceAccounts.signBlob</c> on that account (<c>roles/iam.serviceAccountTokenCreator</c>).
    /// </summary>
    SignBlob,

    /// <summary>No signing: <see cref="GcsRedirectMode.Auto"/> redirects to public URLs.</summary>
    None,
}
