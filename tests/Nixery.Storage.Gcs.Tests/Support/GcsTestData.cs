using Nixery.Testing;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>Where the GCS tests find Google's conformance data and the emulator, from the checkout's root.</summary>
internal static class GcsTestData
{
    /// <summary>Google's published conformance data (<c>data/gcs-conformance</c> in the repository).</summary>
    public static string Conformance
    {
        get
        {
            var directory = Path.Combine(RepositoryRoot.Path, "data", "gcs-conformance");
            Assert.True(Directory.Exists(directory), $"the GCS conformance data is missing: expected {directory} (see data/README.md)");
            return directory;
        }
    }

    /// <summary>Google's dummy service-account key beside the vectors (no token endpoint accepts it).</summary>
    public static string DummyKeyFile => Path.Combine(Conformance, "test_service_account.not-a-test.json");

    /// <summary>The dummy key's account: its e-mail and private key.</summary>
    public static Google.Apis.Auth.OAuth2.ServiceAccountCredential DummyAccount() =>
        Google.Apis.Auth.OAuth2.CredentialFactory.FromFile<Google.Apis.Auth.OAuth2.ServiceAccountCredential>(DummyKeyFile);

    /// <summary>
    /// A copy of the dummy key (in a fresh temporary file) whose <c>token_uri</c> is <paramref name="tokenEndpoint"/>, e.g.
    /// the peer's token endpoint, so that the key gets access tokens there (for IAM signBlob) as a real key does from Google.
    /// </summary>
    public static string DummyKeyFileWithTokenEndpoint(Uri tokenEndpoint)
    {
        var key = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(DummyKeyFile))!;
        key["token_uri"] = tokenEndpoint.AbsoluteUri;
        var path = Path.Combine(Path.GetTempPath(), $"nixery-gcs-key-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, key.ToJsonString());
        return path;
    }

    /// <summary>
    /// A gcloud user login (<c>authorized_user</c>) in a fresh temporary file: credentials that hold no key and name no
    /// service account, as on a developer's machine. Nothing here ever asks its token endpoint.
    /// </summary>
    public static string UserLoginFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nixery-gcs-user-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"type":"authorized_user","client_id":"nixery-tests.apps.googleusercontent.com","client_secret":"not-a-secret","refresh_token":"not-a-token"}""");
        return path;
    }

    /// <summary>The folder holding the emulator's launcher and its pinned npm packages.</summary>
    public static string EmulatorDirectory => Path.Combine(RepositoryRoot.Path, "tests", "Nixery.Storage.Gcs.Tests", "emulator");
}
