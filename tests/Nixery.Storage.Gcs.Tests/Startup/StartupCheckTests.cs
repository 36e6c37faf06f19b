using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Startup;

/// <summary>A host with <c>UseGcsStorage</c> refuses to start, saying which part is wrong.</summary>
public sealed class StartupCheckTests
{
    private static async Task<Exception?> StartAsync(Action<GcsStorageOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddNixery().UsePathPackageSource(Path.GetTempPath()).UseGcsStorage(options =>
        {
            options.Retry = Stores.FastRetries(2);
            configure(options);
        });
        await using var app = builder.Build();
        var failure = await Record.ExceptionAsync(() => app.StartAsync());
        if (failure is null) await app.StopAsync();
        return failure;
    }

    [Fact]
    public async Task Missing_bucket_stops_the_start_naming_the_setting()
    {
        var failure = await StartAsync(o => o.EmulatorHost = "127.0.0.1:1");
        var validation = Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains("GcsStorage:Bucket is required", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_endpoint_stops_the_start_as_unreachable()
    {
        var failure = await StartAsync(o => { o.Bucket = "b"; o.EmulatorHost = "127.0.0.1:1"; });
        var startup = Assert.IsType<GcsStartupException>(failure);
        Assert.Equal(GcsStartupProblem.Unreachable, startup.Problem);
        Assert.Contains("unreachable", startup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bucket_that_does_not_exist_stops_the_start_as_bucket_not_found()
    {
        await using var peer = await GcsPeer.StartAsync();
        var failure = await StartAsync(o => { o.Bucket = "no-such-bucket"; o.EmulatorHost = peer.Endpoint.ToString(); });
        var startup = Assert.IsType<GcsStartupException>(failure);
        Assert.Equal(GcsStartupProblem.BucketNotFound, startup.Problem);
        Assert.Contains("'no-such-bucket'", startup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_credentials_file_stops_the_start_as_a_credentials_problem()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "not json");
        try
        {
            var failure = await StartAsync(o => { o.Bucket = "b"; o.CredentialsFile = file; });
            var startup = Assert.IsType<GcsStartupException>(failure);
            Assert.Equal(GcsStartupProblem.Credentials, startup.Problem);
            Assert.Contains(file, startup.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Key_that_cannot_get_an_access_token_stops_the_start_as_a_credentials_problem()
    {
        // Google's dummy key is well-formed, but no token endpoint accepts it (and none is reachable from here).
        var key = Path.Combine(GcsTestData.Conformance, "test_service_account.not-a-test.json");
        var failure = await StartAsync(o => { o.Bucket = "b"; o.CredentialsFile = key; });
        var startup = Assert.IsType<GcsStartupException>(failure);
        Assert.Equal(GcsStartupProblem.Credentials, startup.Problem);
        Assert.Contains("could not get an access token", startup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_url_mode_without_a_key_stops_the_start_as_a_credentials_problem()
    {
        await using var peer = await GcsPeer.StartAsync();
        var failure = await StartAsync(o => { o.Bucket = GcsPeer.BucketName; o.EmulatorHost = peer.Endpoint.ToString(); o.Redirect = GcsRedirectMode.SignedUrl; });
        var startup = Assert.IsType<GcsStartupException>(failure);
        Assert.Equal(GcsStartupProblem.Credentials, startup.Problem);
        Assert.Contains("no service-account key", startup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignBlob_without_the_permission_stops_the_start_naming_the_role()
    {
        await using var peer = await GcsPeer.StartAsync();
        peer.DenySignBlob = true;
        var account = peer.SignBlobAccount.Id;
        var key = GcsTestData.DummyKeyFileWithTokenEndpoint(new Uri(peer.Endpoint, "token"));
        var failure = await StartAsync(o =>
        {
            o.Bucket = GcsPeer.BucketName;
            o.EmulatorHost = peer.Endpoint.ToString();
            o.CredentialsFile = key;
            o.UrlSigner = GcsUrlSigner.SignBlob;
            o.SigningServiceAccount = account;
            o.IamEndpoint = peer.Endpoint;
        });
        File.Delete(key);
        var startup = Assert.IsType<GcsStartupException>(failure);
        Assert.Equal(GcsStartupProblem.PermissionDenied, startup.Problem);
        Assert.Contains("roles/iam.serviceAccountTokenCreator", startup.Message, StringComparison.Ordinal);
        Assert.Contains(account, startup.Message, StringComparison.Ordinal);
        Assert.Single(peer.Log, line => line.StartsWith("POST iam.signBlob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignBlob_without_a_known_service_account_stops_the_start_saying_which_setting()
    {
        await using var peer = await GcsPeer.StartAsync();
        var login = GcsTestData.UserLoginFile();
        var failure = await StartAsync(o =>
        {
            o.Bucket = GcsPeer.BucketName;
            o.EmulatorHost = peer.Endpoint.ToString();
            o.CredentialsFile = login;
            o.UrlSigner = GcsUrlSigner.SignBlob;
        });
        File.Delete(login);
        var startup = Assert.IsType<GcsStartupException>(failure);
        Assert.Equal(GcsStartupProblem.Credentials, startup.Problem);
        Assert.Contains("SigningServiceAccount", startup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignBlob_with_the_permission_starts_after_one_probe_and_redirects_to_urls_signed_by_iam()
    {
        await using var peer = await GcsPeer.StartAsync();
        peer.ExpectedAccessToken = GcsPeer.IssuedAccessToken;
        var key = GcsTestData.DummyKeyFileWithTokenEndpoint(new Uri(peer.Endpoint, "token"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddNixery().UsePathPackageSource(Path.GetTempPath()).UseGcsStorage(o =>
        {
            o.Bucket = GcsPeer.BucketName;
            o.EmulatorHost = peer.Endpoint.ToString();
            o.CredentialsFile = key;
            o.UrlSigner = GcsUrlSigner.SignBlob;   // the key's own account, signed by IAM as on GKE with workload identity
            o.IamEndpoint = peer.Endpoint;
        });
        await using var app = builder.Build();
        await app.StartAsync();
        Assert.Single(peer.SignedBlobs);

        var store = Assert.IsType<GcsStorage>(app.Services.GetRequiredService<IStorageBackend>());
        var url = await store.GetRedirectAsync(StorageKeys.Blob(Nixery.Abstractions.Storage.Digest.Of([1])), HttpMethod.Get, CancellationToken.None);
        Assert.NotNull(url);
        Assert.Equal(2, peer.SignedBlobs.Count);
        var signature = url.Query[(url.Query.IndexOf("X-Goog-Signature=", StringComparison.Ordinal) + 17)..];
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String(peer.SignedBlobs.Last())), signature);
        await app.StopAsync();
        File.Delete(key);
    }

    [Fact]
    public async Task Reachable_bucket_starts_and_the_host_resolves_the_gcs_store_as_its_blob_store()
    {
        await using var peer = await GcsPeer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddNixery().UsePathPackageSource(Path.GetTempPath())
            .UseGcsStorage(o => { o.Bucket = GcsPeer.BucketName; o.EmulatorHost = peer.Endpoint.ToString(); });
        await using var app = builder.Build();
        await app.StartAsync();
        Assert.IsType<GcsStorage>(app.Services.GetRequiredService<IStorageBackend>());
        await app.StopAsync();
    }

    [Fact]
    public void Options_bind_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nixery:GcsStorage:Bucket"] = "layers",
            ["Nixery:GcsStorage:Redirect"] = "None",
            ["Nixery:GcsStorage:SignedUrlExpiry"] = "00:10:00",
            ["Nixery:GcsStorage:Retry:MaxAttempts"] = "3",
        }).Build();
        var services = new ServiceCollection();
        services.AddNixery().UseGcsStorage(configuration.GetSection("Nixery:GcsStorage"));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<GcsStorageOptions>>().Value;
        Assert.Equal(("layers", GcsRedirectMode.None, TimeSpan.FromMinutes(10), 3),
            (options.Bucket, options.Redirect, options.SignedUrlExpiry, options.Retry.MaxAttempts));
    }
}
