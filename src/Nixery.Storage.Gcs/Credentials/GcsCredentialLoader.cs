using System.Text.Json;
using Google.Apis.Auth.OAuth2;

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
        GcsStorageOptions options, bool emulator, Google.Apis.Http.IHttpClientFactory http, CancellationToken cancellationToken)
    {
        GoogleCredential? credential;
        string source;
        if (!string.IsNullOrWhiteSpace(options.CredentialsFile))
        {
            credential = await FromFileAsync(options.CredentialsFile, cancellationToken).ConfigureAwait(false);
            source = $"credentials file {options.CredentialsFile}";
        }
        else if (emulator)
        {
            return new LoadedCredentials(null, "none (emulator)", ForStorage: false);
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

        credential = credential.CreateWithHttpClientFactory(http);
        if (credential.UnderlyingCredential is ServiceAccountCredential key) source += $", service account {key.Id}";
        if (credential.UnderlyingCredential is ComputeCredential) source += ", metadata server";
        return new LoadedCredentials(credential, source, ForStorage: !emulator);
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
