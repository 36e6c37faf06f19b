using Google.Cloud.Storage.V1;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>A ready client of the bucket, what signs URLs (if anything, else why not), and how the credentials were found.</summary>
/// <param name="Client">The storage library's client.</param>
/// <param name="Endpoint">The JSON API's endpoint the client talks to (Google's, a configured one, or an emulator).</param>
/// <param name="Credentials">The credentials found.</param>
/// <param name="Signer">What signs redirect URLs, or null.</param>
/// <param name="NoSignerReason">Why nothing signs, when nothing does.</param>
internal sealed record GcsConnection(StorageClient Client, Uri Endpoint, LoadedCredentials Credentials, GcsSigner? Signer, string? NoSignerReason = null);
