using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Nixery.Storage.Gcs.Signing;

namespace Nixery.Storage.Gcs.Credentials;

/// <summary>
/// Finds credentials the way Google's libraries do: an explicit credentials file, else application default credentials
/// (<c>GOOGLE_APPLICATION_CREDENTIALS</c>, gcloud's login, the metadata server). With an emulator none are used for
/// calls, as Google's libraries do when <c>STORAGE_EMULATOR_HOST</c> is set.
/// </summary>
internal static class GcsCredentialLoader
{
    public const string ReadWriteScope = "https://www.googleapis.com/auth/devstorage.read_write";

    public static async Task<LoadedCredentials> LoadAsync(
        GcsStorageOptions options, bool emulator, CancellationToken cancellationToken)
    {
        GoogleCredential? credential = null;
        string source;
        if (!string.IsNullOrWhiteSpace(options.CredentialsFile))
        {
            credential = await FromFileAsync(options.CredentialsFile, cancellationToken).ConfigureAwait(false);
            source = $"credentials file {options.CredentialsFile}";
        }
        else if (emulator)
        {
            return new LoadedCredentials(null, null, null, null, "none (emulator)");
        }
        else
        {
            try
            {
                credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new GcsStartupException(GcsStartupProblem.Credentials,
                    "no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, set GcsStorage:CredentialsFile, " +
                    $"or run on Google Cloud with a service account attached ({e.Message})", e);
            }
            var file = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
            source = string.IsNullOrEmpty(file) ? "application default credentials" : $"GOOGLE_APPLICATION_CREDENTIALS ({file})";
        }

        var storage = credential.IsCreateScopedRequired ? credential.CreateScoped(ReadWriteScope) : credential;
        var iam = credential.IsCreateScopedRequired ? credential.CreateScoped(IamSignBlobSigner.Scope) : credential;
        var key = storage.UnderlyingCredential as ServiceAccountCredential;
        if (key is not null) source += $", service account {key.Id}";
        var compute = storage.UnderlyingCredential as ComputeCredential;
        if (compute is not null) source += ", metadata server";
        return emulator ? new LoadedCredentials(null, null, key, null, source) : new LoadedCredentials(storage, iam, key, compute, source);
    }

    /// <summary>Reads a credentials file of the type it declares (a service-account key, gcloud's user login, …).</summary>
    private static async Task<GoogleCredential> FromFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            string? type;
            await using (var file = File.OpenRead(path))
            {
                using var json = await JsonDocument.ParseAsync(file, cancellationToken: cancellationToken).ConfigureAwait(false);
                type = json.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            }
            if (string.IsNullOrEmpty(type)) throw new InvalidOperationException("the file has no \"type\"");
            return await CredentialFactory.FromFileAsync(path, type, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new GcsStartupException(GcsStartupProblem.Credentials, $"the credentials file {path} cannot be used: {e.Message}", e);
        }
    }
}
