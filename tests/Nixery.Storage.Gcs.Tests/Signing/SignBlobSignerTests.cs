using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Api;
using Nixery.Storage.Gcs.Credentials;
using Nixery.Storage.Gcs.Signing;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Signing;

/// <summary>
/// The IAM signBlob signer against the loopback peer (which signs with Google's dummy key, as IAM signs with the
/// account's Google-managed key): it makes the same canonical request and string to sign as the key signer, puts the
/// signature IAM returned into the URL, sends the caller's token, retries 5xx and 429, and does not retry 403.
/// </summary>
public sealed class SignBlobSignerTests : IAsyncLifetime
{
    private const string Token = "ya29.test-token";
    private GcsPeer _peer = null!;

    public async Task InitializeAsync()
    {
        _peer = await GcsPeer.StartAsync();
        _peer.ExpectedAccessToken = Token;
    }

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    private IamSignBlobSigner Signer(string? account = null, string token = Token, int attempts = 6) =>
        new(new HttpClient(), _peer.Endpoint, account ?? _peer.SignBlobAccount.Id, new StaticToken(token),
            new RetryPolicy(Stores.FastRetries(attempts), NullLogger.Instance));

    private int SignBlobCalls => _peer.Log.Count(line => line.StartsWith("POST iam.signBlob", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(V4ConformanceTests.Cases), MemberType = typeof(V4ConformanceTests))]
    public async Task SignBlob_signer_makes_the_key_signers_canonical_request_and_string_to_sign_with_the_signature_iam_returned(string description)
    {
        var test = V4ConformanceTests.Vectors().RootElement.GetProperty("signingV4Tests").EnumerateArray()
            .Single(t => t.GetProperty("description").GetString() == description);
        var request = V4ConformanceTests.Request(test);

        var byKey = await V4UrlSigner.SignAsync(request, V4ConformanceTests.Key());
        var byIam = await V4UrlSigner.SignAsync(request, Signer());

        Assert.Equal(byKey.CanonicalRequest, byIam.CanonicalRequest);
        Assert.Equal(byKey.StringToSign, byIam.StringToSign);
        var signature = Convert.FromHexString(byIam.Url[(byIam.Url.IndexOf("X-Goog-Signature=", StringComparison.Ordinal) + 17)..]);
        Assert.Equal(Convert.FromBase64String(_peer.SignedBlobs.Last()), signature);
        Assert.True(_peer.SignBlobAccount.Key.VerifyData(Encoding.UTF8.GetBytes(byIam.StringToSign), signature,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "the signature does not verify with the key's public half");
        // RSASSA-PKCS1-v1_5 is deterministic: the same key over the same string gives Google's own URL.
        Assert.Equal(test.GetProperty("expectedUrl").GetString(), byIam.Url);
    }

    [Fact]
    public async Task Transient_failures_of_signBlob_are_retried()
    {
        _peer.Fail(IamSignBlobSigner.Operation, "return-503", "return-500", "return-429", "return-reset-connection");
        var signature = await Signer().SignAsync([1, 2, 3], CancellationToken.None);
        Assert.Equal(0, _peer.PendingFaults(IamSignBlobSigner.Operation));
        Assert.Equal(5, SignBlobCalls);
        Assert.Equal(Convert.FromBase64String(_peer.SignedBlobs.Single()), signature);
    }

    [Fact]
    public async Task Permission_denied_is_not_retried()
    {
        _peer.DenySignBlob = true;
        var failure = await Assert.ThrowsAsync<GcsStorageException>(() => Signer().SignAsync([1], CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, failure.StatusCode);
        Assert.Contains("iam.serviceAccounts.signBlob", failure.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(1, SignBlobCalls);
    }

    [Fact]
    public async Task The_callers_access_token_is_sent_as_a_bearer_token()
    {
        var failure = await Assert.ThrowsAsync<GcsStorageException>(() => Signer(token: "someone-else").SignAsync([1], CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, failure.StatusCode);
    }

    [Fact]
    public async Task Store_redirects_to_the_same_url_whether_a_key_or_iam_signs()
    {
        var blob = "hello"u8.ToArray();
        var digest = Digest.Of(blob);
        var time = new FixedTime(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        GcsStorage Store(IUrlSigner signer) => new(new GcsStorageOptions { Bucket = GcsPeer.BucketName, Retry = Stores.FastRetries() },
            new GcsConnection(Stores.Client(_peer.Endpoint, GcsPeer.BucketName), null, signer, "tests"), NullLogger<GcsStorage>.Instance, time);

        var byKey = await Store(V4ConformanceTests.Key()).GetRedirectAsync(StorageKeys.Blob(digest), HttpMethod.Get, CancellationToken.None);
        var byIam = await Store(Signer()).GetRedirectAsync(StorageKeys.Blob(digest), HttpMethod.Get, CancellationToken.None);
        Assert.NotNull(byIam);
        Assert.Equal(byKey, byIam);
        Assert.Contains(Uri.EscapeDataString(_peer.SignBlobAccount.Id), byIam.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_streams_the_blob_when_iam_cannot_sign_at_request_time()
    {
        _peer.Fail(IamSignBlobSigner.Operation, "return-503", "return-503");
        var store = new GcsStorage(new GcsStorageOptions { Bucket = GcsPeer.BucketName, Retry = Stores.FastRetries(2) },
            new GcsConnection(Stores.Client(_peer.Endpoint, GcsPeer.BucketName), null, Signer(attempts: 2), "tests"), NullLogger<GcsStorage>.Instance);
        Assert.Null(await store.GetRedirectAsync(StorageKeys.Blob(Digest.Of([1])), HttpMethod.Get, CancellationToken.None));
    }

    public static TheoryData<GcsUrlSigner, bool, string?, string?> Selections() => new()
    {
        // mode, credentials hold a key, SigningServiceAccount, expected signer ("key", "iam:<account>" or null)
        { GcsUrlSigner.Auto, true, null, "key" },
        { GcsUrlSigner.Auto, false, "sa@p.iam.gserviceaccount.com", "iam:sa@p.iam.gserviceaccount.com" },
        { GcsUrlSigner.Auto, false, null, null },
        { GcsUrlSigner.Key, true, "sa@p.iam.gserviceaccount.com", "key" },
        { GcsUrlSigner.Key, false, "sa@p.iam.gserviceaccount.com", null },
        { GcsUrlSigner.SignBlob, true, null, "iam:key" },
        { GcsUrlSigner.SignBlob, false, "sa@p.iam.gserviceaccount.com", "iam:sa@p.iam.gserviceaccount.com" },
        { GcsUrlSigner.None, true, "sa@p.iam.gserviceaccount.com", null },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public async Task Signer_is_selected_by_mode_key_and_known_account(GcsUrlSigner mode, bool key, string? account, string? expected)
    {
        var dummy = GcsTestData.DummyAccount();
        var options = new GcsStorageOptions { Bucket = "b", UrlSigner = mode, SigningServiceAccount = account, IamEndpoint = _peer.Endpoint };
        var credentials = new LoadedCredentials(null, null, key ? dummy : null, null, "tests");
        var (signer, reason) = await UrlSignerSelector.SelectAsync(options, credentials, new HttpClient(),
            new RetryPolicy(Stores.FastRetries(), NullLogger.Instance), CancellationToken.None);
        var actual = signer switch
        {
            KeySigner => "key",
            IamSignBlobSigner iam => "iam:" + (iam.ServiceAccount == dummy.Id ? "key" : iam.ServiceAccount),
            _ => null,
        };
        Assert.Equal(expected, actual);
        if (signer is null) Assert.False(string.IsNullOrEmpty(reason));
    }
}
