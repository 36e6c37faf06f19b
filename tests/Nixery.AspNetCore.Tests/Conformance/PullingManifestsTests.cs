using System.Net;
using System.Text.Json;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Conformance;

/// <summary>
/// Distribution-spec 1.1, "Pulling manifests" and "Checking if content exists in the registry" (manifests), end-3:
/// <c>GET</c>/<c>HEAD /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c> by tag and by digest, and the 404s for what is
/// not there, against the real server.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class PullingManifestsTests(RegistryServer server)
{
    private const string Name = "hello";
    private const string Unknown = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string UnknownSha512 = "sha512:" +
        "11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111";

    private HttpClient Client => server.Client;

    [Fact]
    public async Task Get_by_tag_is_200_with_the_manifest_its_type_without_parameters_and_its_digest()
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Get, $"/v2/{Name}/manifests/latest", Oci));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Oci, response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Content.Headers.ContentType!.Parameters);
        using var manifest = JsonDocument.Parse(body);
        Assert.Equal(Oci, manifest.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(Sha256(body), Header(response, "Docker-Content-Digest"));
    }

    [Fact]
    public async Task Get_by_digest_is_200_with_the_same_bytes_whose_digest_is_the_reference()
    {
        var (digest, bytes) = await ManifestAsync();

        using var response = await Client.SendAsync(Request(HttpMethod.Get, $"/v2/{Name}/manifests/{digest}", Oci));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("digest")]
    public async Task Head_of_an_existing_manifest_is_200_with_its_digest_and_size_and_no_body(string reference)
    {
        var (digest, bytes) = await ManifestAsync();

        using var response = await Client.SendAsync(
            Request(HttpMethod.Head, $"/v2/{Name}/manifests/{(reference == "digest" ? digest : reference)}", Oci));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    // sha512 is the image spec's other registered algorithm: well formed, and nothing here is addressed by it.
    [Theory]
    [InlineData(Unknown)]
    [InlineData(UnknownSha512)]
    public async Task A_digest_the_registry_does_not_have_is_404_MANIFEST_UNKNOWN_naming_it(string digest)
    {
        using var response = await Client.GetAsync($"/v2/{Name}/manifests/{digest}");

        var error = await AssertErrorAsync(response, 404, "MANIFEST_UNKNOWN");
        Assert.Contains(digest, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_of_a_digest_the_registry_does_not_have_is_404()
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Head, $"/v2/{Name}/manifests/{Unknown}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // The reference "MUST be either (a) the digest of the manifest or (b) a tag": anything else names no manifest. The
    // first is the official suite's nonexistent manifest.
    [Theory]
    [InlineData(".INVALID_MANIFEST_NAME")]
    [InlineData("-bad")]
    [InlineData("a%20b")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_reference_that_is_neither_tag_nor_digest_is_404_MANIFEST_UNKNOWN_naming_it(string reference)
    {
        using var response = await Client.GetAsync($"/v2/{Name}/manifests/{reference}");

        var error = await AssertErrorAsync(response, 404, "MANIFEST_UNKNOWN");
        var tag = Uri.UnescapeDataString(reference);
        Assert.Contains($"'{tag}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(tag, error.GetProperty("detail").GetProperty("tag").GetString());
    }

    // The official suite accepts 400 or 404 here; 400 DIGEST_INVALID says what is wrong.
    [Theory]
    [InlineData("sha256:totallywrong")]
    [InlineData("sha256:baddigeststring")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha512:abc")]
    public async Task A_malformed_digest_is_400_DIGEST_INVALID_naming_it(string digest)
    {
        using var response = await Client.GetAsync($"/v2/{Name}/manifests/{digest}");

        var error = await AssertErrorAsync(response, 400, "DIGEST_INVALID");
        Assert.Contains(digest, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(digest, error.GetProperty("detail").GetProperty("digest").GetString());
    }

    // A name outside the spec's grammar is a repository the registry cannot have: the endpoint's failure status, 404,
    // with the code that says why.
    [Theory]
    [InlineData("Hello")]
    [InlineData("hello_")]
    [InlineData("a//b")]
    public async Task A_name_outside_the_grammar_is_404_NAME_INVALID_naming_it(string name)
    {
        using var response = await Client.GetAsync($"/v2/{name}/manifests/latest");

        var error = await AssertErrorAsync(response, 404, "NAME_INVALID");
        Assert.Contains($"'{name}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(name, error.GetProperty("detail").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_name_of_packages_the_set_does_not_have_is_404_MANIFEST_UNKNOWN()
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Head, "/v2/hello/nosuchpackage/manifests/latest"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // Nixery's default, on purpose: a path source ignores the tag, so every valid tag is the image (OnlyListedTagsTests
    // shows the setting that makes them 404).
    [Fact]
    public async Task By_default_any_valid_tag_of_a_path_source_is_the_same_image_as_latest()
    {
        var (digest, _) = await ManifestAsync();

        using var response = await Client.SendAsync(Request(HttpMethod.Head, $"/v2/{Name}/manifests/v1.0", Oci));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
    }

    private Task<(string Digest, byte[] Bytes)> ManifestAsync() => OciManifestAsync(Client, Name);
}
