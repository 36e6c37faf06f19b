using System.Text.Json;
using Google.Cloud.Storage.V1;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.Signing;

/// <summary>
/// Google's published V4 signed-URL vectors (<c>signingV4Tests</c> of <c>v4_signatures.json</c>) signed by the storage
/// library's <see cref="UrlSigner"/> with the dummy key beside them, as the backend signs with a key: the URL, signature
/// included (so the canonical request and the string to sign too), must equal Google's, byte for byte.
/// </summary>
public sealed class V4ConformanceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var test in Vectors().RootElement.GetProperty("signingV4Tests").EnumerateArray())
            data.Add(test.GetProperty("description").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UrlSigner_with_a_key_reproduces_googles_signed_url(string description)
    {
        var test = Vector(description);
        var (template, options) = Request(test);
        var signer = UrlSigner.FromCredential(GcsTestData.DummyAccount()).At(Timestamp(test));
        Assert.Equal(test.GetProperty("expectedUrl").GetString(), await signer.SignAsync(template, options));
    }

    internal static JsonElement Vector(string description) =>
        Vectors().RootElement.GetProperty("signingV4Tests").EnumerateArray().Single(t => t.GetProperty("description").GetString() == description);

    internal static JsonDocument Vectors() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(GcsTestData.Conformance, "v4_signatures.json")));

    internal static DateTimeOffset Timestamp(JsonElement test) =>
        DateTimeOffset.Parse(test.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The vector's inputs as the library's request template and options. The host is the vector's hostname, else the
    /// client endpoint, else the emulator host, else <c>storage.</c> and the universe domain (the precedence the vectors
    /// describe); a port goes into the URL, not the signature.
    /// </summary>
    internal static (UrlSigner.RequestTemplate Template, UrlSigner.Options Options) Request(JsonElement test)
    {
        string? Text(string name) => test.TryGetProperty(name, out var value) ? value.GetString() : null;
        IEnumerable<KeyValuePair<string, IEnumerable<string>>>? Map(string name) => test.TryGetProperty(name, out var value)
            ? value.EnumerateObject().Select(p => new KeyValuePair<string, IEnumerable<string>>(p.Name, [p.Value.GetString()!])).ToList()
            : null;

        var template = UrlSigner.RequestTemplate.FromBucket(Text("bucket")!).WithObjectName(Text("object"))
            .WithHttpMethod(new HttpMethod(Text("method")!)).WithRequestHeaders(Map("headers")).WithQueryParameters(Map("queryParameters"));

        var source = Text("hostname") ?? Text("clientEndpoint") ?? Text("emulatorHostname")
            ?? (Text("universeDomain") is { } universe ? "storage." + universe : null);
        string? sourceScheme = null;
        if (source is not null && source.Contains("://", StringComparison.Ordinal))
        {
            sourceScheme = source[..source.IndexOf("://", StringComparison.Ordinal)];
            source = source[(sourceScheme.Length + 3)..].TrimEnd('/');
        }
        var options = UrlSigner.Options.FromDuration(TimeSpan.FromSeconds(test.GetProperty("expiration").GetInt64()))
            .WithSigningVersion(SigningVersion.V4).WithScheme(Text("scheme") ?? sourceScheme ?? "https");
        if (source is not null)
        {
            var colon = source.LastIndexOf(':');
            options = colon < 0 ? options.WithHost(source) : options.WithHost(source[..colon]).WithPort(int.Parse(source[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        options = Text("urlStyle") switch
        {
            "VIRTUAL_HOSTED_STYLE" => options.WithUrlStyle(UrlSigner.UrlStyle.VirtualHostedStyle),
            "BUCKET_BOUND_HOSTNAME" => options.WithBucketBoundHostname(Text("bucketBoundHostname")),
            _ => options,
        };
        return (template, options);
    }
}
