namespace Nixery.Storage.Gcs.Signing;

/// <summary>Signs the string to sign of a V4 signed URL as one service account (RSASSA-PKCS1-v1_5 with SHA-256).</summary>
internal interface IUrlSigner
{
    /// <summary>The service account's e-mail: the principal of the signature's credential scope.</summary>
    string ServiceAccount { get; }

    /// <summary>How it signs, for logs and the start-up message (e.g. "service-account key").</summary>
    string Kind { get; }

    /// <summary>The RSA-SHA256 signature of <paramref name="data"/> with the service account's private key.</summary>
    Task<byte[]> SignAsync(byte[] data, CancellationToken cancellationToken);
}
