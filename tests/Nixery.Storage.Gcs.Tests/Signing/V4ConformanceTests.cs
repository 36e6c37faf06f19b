using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Nixery.Storage.Gcs.Signing;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Signing;

/// <summary>
/// Google's published V4 signed-URL vectors (<c>signingV4Tests</c> of <c>v4_signatures.json</c>), signed with the dummy
/// key beside them: our canonical request, string to sign and URL must equal Google's, byte for byte.
/// </summary>
public sealed class V4ConformanceTests
{
    /// <summary>
    /// The one vector that contradicts itself: its expected canonical request keeps the bucket in the path
    /// (<c>/test-bucket/test-object</c>) although the style is virtual-hosted, but its own expected string to sign hashes
    /// the canonical request with <c>/test-object</c>, and its expected URL has <c>/test-object</c>. We match its string to
    /// sign and URL (so the signature is Google's), and its canonical request up to that path.
    /// </summary>
    private const string SelfContradictory = "Universe domain with virtual hosted style";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var test in Vectors().RootElement.GetProperty("signingV4Tests").EnumerateArray())
            data.Add(test.GetProperty("description").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Signer_reproduces_googles_canonical_request_string_to_sign_and_url(string description)
    {
        var test = Vectors().RootElement.GetProperty("signingV4Tests").EnumerateArray()
            .Single(t => t.GetProperty("description").GetString() == description);
        var signed = await V4UrlSigner.SignAsync(Request(test), Key());

        var expectedCanonical = test.GetProperty("expectedCanonicalRequest").GetString()!;
        if (description == SelfContradictory)
            expectedCanonical = expectedCanonical.Replace("/test-bucket/test-object", "/test-object", StringComparison.Ordinal);
        Assert.Equal(expectedCanonical, signed.CanonicalRequest);
        Assert.Equal(test.GetProperty("expectedStringToSign").GetString(), signed.StringToSign);
        Assert.Equal(test.GetProperty("expectedUrl").GetString(), signed.Url);
    }

    [Fact]
    public async Task Signature_is_the_rsa_sha256_of_the_string_to_sign_verifiable_with_the_keys_public_half()
    {
        var account = GcsTestData.DummyAccount();
        var signed = await V4UrlSigner.SignAsync(new V4SigningRequest("GET", "b", "o", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5), "https", "storage.googleapis.com"), Key());
        var signature = Convert.FromHexString(signed.Url[(signed.Url.IndexOf("X-Goog-Signature=", StringComparison.Ordinal) + 17)..]);
        Assert.True(account.Key.VerifyData(System.Text.Encoding.UTF8.GetBytes(signed.StringToSign), signature,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Expiry_beyond_googles_seven_day_limit_is_refused()
    {
        var request = new V4SigningRequest("GET", "b", "o", DateTimeOffset.UnixEpoch, TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), "https", "storage.googleapis.com");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => V4UrlSigner.SignAsync(request, Key()));
    }

    internal static KeySigner Key() => new(GcsTestData.DummyAccount());

    internal static JsonDocument Vectors() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(GcsTestData.Conformance, "v4_signatures.json")));

    /// <summary>The vector's inputs as a request: hostname, then client endpoint, then emulator, then universe domain pick the host.</summary>
    internal static V4SigningRequest Request(JsonElement test)
    {
        string? Text(string name) => test.TryGetProperty(name, out var value) ? value.GetString() : null;
        var source = Text("hostname") ?? Text("clientEndpoint") ?? Text("emulatorHostname")
            ?? (Text("universeDomain") is { } universe ? "storage." + universe : "storage.googleapis.com");
        string? sourceScheme = null;
        if (source.Contains("://", StringComparison.Ordinal))
        {
            sourceScheme = source[..source.IndexOf("://", StringComparison.Ordinal)];
            source = source[(sourceScheme.Length + 3)..].TrimEnd('/');
        }
        var style = Text("urlStyle") switch
        {
            "VIRTUAL_HOSTED_STYLE" => UrlStyle.VirtualHostedStyle,
            "BUCKET_BOUND_HOSTNAME" => UrlStyle.BucketBoundHostname,
            _ => UrlStyle.PathStyle,
        };
        if (style == UrlStyle.BucketBoundHostname) source = Text("bucketBoundHostname")!;
        Dictionary<string, string>? Map(string name) => test.TryGetProperty(name, out var value)
            ? value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : null;
        return new V4SigningRequest(
            Text("method")!, Text("bucket")!, Text("object") ?? "",
            DateTimeOffset.Parse(Text("timestamp")!, System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(test.GetProperty("expiration").GetInt64()),
            Text("scheme") ?? sourceScheme ?? "https", source, style, Map("headers"), Map("queryParameters"));
    }
}
