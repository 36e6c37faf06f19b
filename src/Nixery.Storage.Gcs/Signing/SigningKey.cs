namespace Nixery.Storage.Gcs.Signing;

/// <summary>A service account that can sign: its e-mail (the credential scope's principal) and an RSA-SHA256 signer.</summary>
/// <param name="ClientEmail">The service account's e-mail.</param>
/// <param name="SignAsync">Signs bytes with the account's private key (RSASSA-PKCS1-v1_5 with SHA-256).</param>
internal sealed record SigningKey(string ClientEmail, Func<byte[], CancellationToken, Task<byte[]>> SignAsync);
