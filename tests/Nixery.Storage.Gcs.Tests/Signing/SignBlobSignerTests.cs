using System.Text;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Credentials;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Signing;

/// <summary>
/// Signing without a key, as the backend does it: the storage library's <see cref="UrlSigner"/> on an
/// <see cref="ImpersonatedCredential"/> of Google.Apis.Auth, whose signBlob calls go (through the backend's HTTP clients)
/// to the loopback peer, which signs with Google's dummy key as IAM signs with the account's Google-managed key. The
/// registry's own credentials are the dummy key, getting their access token from the peer's token endpoint.
/// </summary>
public sealed class SignBlobSignerTests : IAsyncLifetime
{
    private GcsPeer _peer = null!;
    private string _keyFile = null!;

    public async Task InitializeAsync()
    {
        _peer = await GcsPeer.StartAsync();
        _peer.ExpectedAccessToken = GcsPeer.IssuedAccessToken;
        _keyFile = GcsTestData.DummyKeyFileWithTokenEndpoint(new Uri(_peer.Endpoint, "token"));
    }

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        File.Delete(_keyFile);
    }

    private int SignBlobCalls => _peer.Log.Count(line => line.StartsWith("POST iam.signBlob", StringComparison.Ordinal));

    /// <summary>What the backend selects for <paramref name="options"/>, with its credentials loaded as it loads them.</summary>
    private async Task<(GcsSigner? Signer, string? Reason)> SelectAsync(GcsStorageOptions options)
    {
        options.IamEndpoint ??= _peer.Endpoint;
        var http = Stores.Http(options.IamEndpoint);
        var credentials = await GcsCredentialLoader.LoadAsync(options, emulator: true, http, CancellationToken.None);
        return await UrlSignerSelector.SelectAsync(options, credentials, http, CancellationToken.None);
    }

    private async Task<GcsSigner> IamSignerAsync() =>
        (await SelectAsync(new GcsStorageOptions { Bucket = "b", CredentialsFile = _keyFile, UrlSigner = GcsUrlSigner.SignBlob })).Signer
        ?? throw new Xunit.Sdk.XunitException("no signer");

    [Theory]
    [MemberData(nameof(V4ConformanceTests.Cases), MemberType = typeof(V4ConformanceTests))]
    public async Task UrlSigner_through_iam_signBlob_signs_googles_string_to_sign_and_makes_googles_url(string description)
    {
        var test = V4ConformanceTests.Vector(description);
        var (template, options) = V4ConformanceTests.Request(test);
        var signer = await IamSignerAsync();
        Assert.True(signer.ThroughIam);

        var url = await signer.Signer.At(V4ConformanceTests.Timestamp(test)).SignAsync(template, options);

        Assert.Equal(test.GetProperty("expectedStringToSign").GetString(), Encoding.UTF8.GetString(_peer.SignedPayloads.Single()));
        // RSASSA-PKCS1-v1_5 is deterministic: the same key over the same string gives Google's own URL.
        Assert.Equal(test.GetProperty("expectedUrl").GetString(), url);
    }

    [Fact]
    public async Task A_503_from_signBlob_is_retried_by_the_library()
    {
        _peer.Fail("iam.signBlob", "return-503", "return-503");
        var signer = await IamSignerAsync();
        var url = await signer.Signer.SignAsync("b", "o", TimeSpan.FromMinutes(1), HttpMethod.Get, SigningVersion.V4);
        Assert.Equal(0, _peer.PendingFaults("iam.signBlob"));
        Assert.Equal(3, SignBlobCalls);
        Assert.EndsWith(Convert.ToHexStringLower(Convert.FromBase64String(_peer.SignedBlobs.Single())), url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permission_denied_is_not_retried()
    {
        _peer.DenySignBlob = true;
        var signer = await IamSignerAsync();
        var failure = await Record.ExceptionAsync(() => signer.Signer.SignAsync("b", "o", TimeSpan.FromMinutes(1), HttpMethod.Get, SigningVersion.V4));
        Assert.NotNull(failure);
        Assert.Contains("iam.serviceAccounts.signBlob", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, SignBlobCalls);
    }

    [Fact]
    public async Task The_registrys_access_token_from_its_token_endpoint_is_sent_to_iam()
    {
        _peer.ExpectedAccessToken = "some-other-token";
        var signer = await IamSignerAsync();
        var failure = await Record.ExceptionAsync(() => signer.Signer.SignAsync("b", "o", TimeSpan.FromMinutes(1), HttpMethod.Get, SigningVersion.V4));
        Assert.NotNull(failure);
        Assert.Contains(_peer.Log, line => line == "POST oauth.token");
        Assert.Empty(_peer.SignedBlobs);
    }

    [Fact]
    public async Task Store_redirects_to_the_same_url_whether_a_key_or_iam_signs()
    {
        var blob = StorageKeys.Blob(Digest.Of("hello"u8));
        var at = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var iam = await IamSignerAsync();
        var key = Stores.KeySigner();
        var byKey = await Stores.Storage(_peer.Endpoint, GcsPeer.BucketName, signer: key with { Signer = key.Signer.At(at) })
            .GetRedirectAsync(blob, HttpMethod.Get, CancellationToken.None);
        var byIam = await Stores.Storage(_peer.Endpoint, GcsPeer.BucketName, signer: iam with { Signer = iam.Signer.At(at) })
            .GetRedirectAsync(blob, HttpMethod.Get, CancellationToken.None);
        Assert.NotNull(byIam);
        Assert.Equal(byKey, byIam);
        Assert.Single(_peer.SignedBlobs);
        Assert.Contains(Uri.EscapeDataString(_peer.SignBlobAccount.Id), byIam.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_streams_the_blob_when_iam_cannot_sign_at_request_time()
    {
        for (var i = 0; i < 20; i++) _peer.Fail("iam.signBlob", "return-503");
        var store = Stores.Storage(_peer.Endpoint, GcsPeer.BucketName, signer: await IamSignerAsync());
        Assert.Null(await store.GetRedirectAsync(StorageKeys.Blob(Digest.Of([1])), HttpMethod.Get, CancellationToken.None));
    }

    public static TheoryData<GcsUrlSigner, string, string?, string?> Selections() => new()
    {
        // mode, credentials ("key", "user" or "none"), SigningServiceAccount, expected signer ("key", "iam:<account>" or null)
        { GcsUrlSigner.Auto, "key", null, "key" },
        { GcsUrlSigner.Auto, "user", "sa@p.iam.gserviceaccount.com", "iam:sa@p.iam.gserviceaccount.com" },
        { GcsUrlSigner.Auto, "user", null, null },
        { GcsUrlSigner.Auto, "none", "sa@p.iam.gserviceaccount.com", null },
        { GcsUrlSigner.Key, "key", "sa@p.iam.gserviceaccount.com", "key" },
        { GcsUrlSigner.Key, "user", "sa@p.iam.gserviceaccount.com", null },
        { GcsUrlSigner.SignBlob, "key", null, "iam:key" },
        { GcsUrlSigner.SignBlob, "user", "sa@p.iam.gserviceaccount.com", "iam:sa@p.iam.gserviceaccount.com" },
        { GcsUrlSigner.None, "key", "sa@p.iam.gserviceaccount.com", null },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public async Task Signer_is_selected_by_mode_credentials_and_known_account(GcsUrlSigner mode, string credentials, string? account, string? expected)
    {
        var file = credentials switch { "key" => _keyFile, "user" => GcsTestData.UserLoginFile(), _ => null };
        try
        {
            var (signer, reason) = await SelectAsync(new GcsStorageOptions { Bucket = "b", UrlSigner = mode, SigningServiceAccount = account, CredentialsFile = file });
            var actual = signer switch
            {
                { ThroughIam: false } => "key",
                { ThroughIam: true } iam => "iam:" + (iam.ServiceAccount == _peer.SignBlobAccount.Id ? "key" : iam.ServiceAccount),
                _ => null,
            };
            Assert.Equal(expected, actual);
            if (signer is null) Assert.False(string.IsNullOrEmpty(reason));
        }
        finally
        {
            if (credentials == "user") File.Delete(file!);
        }
    }
}
