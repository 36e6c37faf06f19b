using Nixery.Storage.Gcs.Api;
using Nixery.Storage.Gcs.Signing;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>
/// Picks what signs redirect URLs (<see cref="GcsStorageOptions.UrlSigner"/>): a service-account key signs locally; without
/// one, IAM signBlob signs as the configured account or the metadata server's default account; else nothing, with the
/// reason (for the start-up message).
/// </summary>
internal static class UrlSignerSelector
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    public static async Task<(IUrlSigner? Signer, string? NoSignerReason)> SelectAsync(GcsStorageOptions options, LoadedCredentials credentials,
        HttpClient http, RetryPolicy retry, CancellationToken cancellationToken)
    {
        var mode = options.UrlSigner;
        if (mode == GcsUrlSigner.None) return (null, "GcsStorage:UrlSigner is None");
        if (mode is GcsUrlSigner.Auto or GcsUrlSigner.Key && credentials.Key is { } key) return (new KeySigner(key), null);
        if (mode == GcsUrlSigner.Key) return (null, $"the credentials ({credentials.Source}) hold no service-account key and GcsStorage:UrlSigner is Key");

        var (email, unknown) = await ServiceAccountAsync(options, credentials, cancellationToken).ConfigureAwait(false);
        if (email is null) return (null, unknown);
        return (new IamSignBlobSigner(http, options.IamEndpoint ?? IamSignBlobSigner.DefaultEndpoint, email, credentials.Iam, retry), null);
    }

    /// <summary>The account IAM signs as: the configured one, else the key's, else the metadata server's default account.</summary>
    private static async Task<(string? Email, string? Unknown)> ServiceAccountAsync(GcsStorageOptions options, LoadedCredentials credentials,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningServiceAccount)) return (options.SigningServiceAccount.Trim(), null);
        if (credentials.Key is { } key) return (key.Id, null);
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
                : (email.Trim(), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"the metadata server did not give the service account's e-mail ({e.GetBaseException().Message}; set GcsStorage:SigningServiceAccount)");
        }
    }
}
