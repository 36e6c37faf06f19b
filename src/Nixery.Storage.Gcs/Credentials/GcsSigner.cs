using Google.Cloud.Storage.V1;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>What signs redirect URLs: the library's <see cref="UrlSigner"/>, and as whom and how, for messages.</summary>
/// <param name="Signer">The signer.</param>
/// <param name="ServiceAccount">The service account whose signature the URLs carry.</param>
/// <param name="ThroughIam">Whether each signature is an IAM signBlob call (else a local key signs).</param>
internal sealed record GcsSigner(UrlSigner Signer, string ServiceAccount, bool ThroughIam)
{
    public string Kind => ThroughIam ? "IAM signBlob" : "service-account key";
}
