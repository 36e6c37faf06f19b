using Nixery.Testing;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>Where the GCS tests find Google's conformance data and the emulator, from the checkout's root.</summary>
internal static class GcsTestData
{
    /// <summary>Google's published conformance data (<c>../shared/data/gcs-conformance</c>).</summary>
    public static string Conformance
    {
        get
        {
            var directory = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "data", "gcs-conformance"));
            Assert.True(Directory.Exists(directory), $"the GCS conformance data is missing: expected {directory} (see ../shared/data/README.md)");
            return directory;
        }
    }

    /// <summary>Google's dummy service-account key beside the vectors (no token endpoint accepts it).</summary>
    public static string DummyKeyFile => Path.Combine(Conformance, "test_service_account.not-a-test.json");

    /// <summary>The dummy key's account: its e-mail and private key.</summary>
    public static Google.Apis.Auth.OAuth2.ServiceAccountCredential DummyAccount() =>
        Google.Apis.Auth.OAuth2.CredentialFactory.FromFile<Google.Apis.Auth.OAuth2.ServiceAccountCredential>(DummyKeyFile);

    /// <summary>The folder holding the emulator's launcher and its pinned npm packages.</summary>
    public static string EmulatorDirectory => Path.Combine(RepositoryRoot.Path, "tests", "Nixery.Storage.Gcs.Tests", "emulator");
}
