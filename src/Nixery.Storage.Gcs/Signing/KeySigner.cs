using Google.Apis.Auth.OAuth2;

namespace Nixery.Storage.Gcs.Signing;

/// <summary>Signs locally with the private key of a service-account key file; no call leaves the process.</summary>
internal sealed class KeySigner(ServiceAccountCredential account) : IUrlSigner
{
    public string ServiceAccount => account.Id;

    public string Kind => "service-account key";

    public Task<byte[]> SignAsync(byte[] data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Convert.FromBase64String(account.CreateSignature(data)));
    }
}
