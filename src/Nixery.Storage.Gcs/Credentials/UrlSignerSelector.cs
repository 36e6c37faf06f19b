using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>
/// Picks what signs redirect URLs (<see cref="GcsStorageOptions.UrlSigner"/>), always one of the storage library's own
/// signers: <see cref="UrlSigner.FromCredential(ServiceAccountCredential)"/> signs locally with a key;
/// <see cref="UrlSigner.FromCredential(ImpersonatedCredential)"/> signs with IAM signBlob as
/// <see cref="GcsStorageOptions.SigningServiceAccount"/> (impersonated by whatever credentials the registry has);
/// <see cref="UrlSigner.FromCredential(ComputeCredential)"/> signs with IAM signBlob as the metadata server's account.
/// Else nothing, with the reason (for the start-up message).
/// </summary>
internal static class UrlSignerSelector
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    public static async Task<(GcsSigner? Signer, string? NoSignerReason)> SelectAsync(GcsStorageOptions options, LoadedCredentials credentials,
        Google.Apis.Http.IHttpClientFactory http, CancellationToken cancellationToken)
    {
        var mode = options.UrlSigner;
        if (mode == GcsUrlSigner.None) return (null, "GcsStorage:UrlSigner is None");
        if (mode is GcsUrlSigner.Auto or GcsUrlSigner.Key && credentials.Key is { } key)
            return (new GcsSigner(UrlSigner.FromCredential(key), key.Id, ThroughIam: false), null);
        if (mode == GcsUrlSigner.Key)
            return (null, $"the credentials ({credentials.Source}) hold no service-account key and GcsStorage:UrlSigner is Key");
        if (credentials.Credential is not { } credential)
            return (null, "there are no credentials: no service-account key to sign with, and none to call IAM signBlob with (set GcsStorage:CredentialsFile)");

        var account = string.IsNullOrWhiteSpace(options.SigningServiceAccount) ? credentials.Key?.Id : options.SigningServiceAccount.Trim();
        if (account is not null)
        {
            try
            {
                var impersonated = credential.Impersonate(new ImpersonatedCredential.Initializer(account) { HttpClientFactory = http });
                return (new GcsSigner(UrlSigner.FromCredential((ImpersonatedCredential)impersonated.UnderlyingCredential), account, ThroughIam: true), null);
            }
            catch (InvalidOperationException e)
            {
                return (null, $"the credentials ({credentials.Source}) cannot impersonate {account} for IAM signBlob: {e.Message}");
            }
        }
        if (credentials.Compute is not { } compute)
            return (null, $"the credentials ({credentials.Source}) hold no service-account key and name no service account to sign as with IAM signBlob " +
                "(set GcsStorage:SigningServiceAccount)");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(MetadataTimeout);
        try
        {
            var email = await compute.GetDefaultServiceAccountEmailAsync(timeout.Token).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(email)
                ? (null, "the metadata server named no default service account (set GcsStorage:SigningServiceAccount)")
                : (new GcsSigner(UrlSigner.FromCredential(compute), email.Trim(), ThroughIam: true), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"the metadata server did not give the service account's e-mail ({e.GetBaseException().Message}; set GcsStorage:SigningServiceAccount)");
        }
    }
}
