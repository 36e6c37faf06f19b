using System.Net;
using System.Text.Json;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Conformance;

/// <summary>
/// Distribution-spec 1.1, "Listing Referrers", end-12a and end-12b: <c>GET</c>/<c>HEAD
/// /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> of a built image (whose SBOM refers to it), of an unknown digest, with
/// the <c>artifactType</c> filter, and the 400s, against the real server.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ListingReferrersTests(RegistryServer server)
{
    private const string Name = "hello";
    private const string Index = "application/vnd.oci.image.index.v1+json";
    private const string CycloneDx = "application/vnd.cyclonedx+json";

    private HttpClient Client => server.Client;

    [Fact]
    public async Task The_referrers_of_a_manifest_are_an_oci_index_of_descriptors_with_artifactType_and_annotations_whose_subject_is_it()
    {
        var subject = await SubjectAsync();

        using var response = await Client.GetAsync($"/v2/{Name}/referrers/{subject}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Index, Assert.Single(response.Content.Headers.GetValues("Content-Type")));
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, index.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(Index, index.RootElement.GetProperty("mediaType").GetString());
        var descriptor = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(CycloneDx, descriptor.GetProperty("artifactType").GetString());
        Assert.NotEmpty(descriptor.GetProperty("annotations").EnumerateObject());

        var referrer = await Client.GetByteArrayAsync($"/v2/{Name}/manifests/{descriptor.GetProperty("digest").GetString()}");
        Assert.Equal(descriptor.GetProperty("size").GetInt64(), referrer.Length);
        using var manifest = JsonDocument.Parse(referrer);
        Assert.Equal(descriptor.GetProperty("mediaType").GetString(), manifest.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(subject, manifest.RootElement.GetProperty("subject").GetProperty("digest").GetString());
        Assert.Equal(CycloneDx, manifest.RootElement.GetProperty("artifactType").GetString());
    }

    [Fact]
    public async Task Head_is_200_with_the_index_type_and_length_and_no_body()
    {
        var subject = await SubjectAsync();
        var length = (await Client.GetByteArrayAsync($"/v2/{Name}/referrers/{subject}")).Length;

        using var response = await Client.SendAsync(Request(HttpMethod.Head, $"/v2/{Name}/referrers/{subject}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Index, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("sha256", 64)]
    [InlineData("sha512", 128)]
    public async Task A_digest_without_referrers_is_200_with_an_empty_index_never_404(string algorithm, int length)
    {
        using var response = await Client.GetAsync($"/v2/{Name}/referrers/{algorithm}:{new string('3', length)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Index, response.Content.Headers.ContentType?.MediaType);
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(index.RootElement.GetProperty("manifests").EnumerateArray());
    }

    [Theory]
    [InlineData(CycloneDx, 1)]
    [InlineData("application/vnd.example.signature.v1", 0)]
    public async Task An_artifactType_filter_keeps_the_matching_descriptors_and_says_so_in_OCI_Filters_Applied(string type, int count)
    {
        var subject = await SubjectAsync();

        using var response = await Client.GetAsync($"/v2/{Name}/referrers/{subject}?artifactType={Uri.EscapeDataString(type)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("artifactType", Header(response, "OCI-Filters-Applied"));
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var manifests = index.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(count, manifests.Count);
        Assert.All(manifests, m => Assert.Equal(type, m.GetProperty("artifactType").GetString()));
    }

    [Fact]
    public async Task Without_a_filter_no_OCI_Filters_Applied_is_sent()
    {
        using var response = await Client.GetAsync($"/v2/{Name}/referrers/{await SubjectAsync()}");

        Assert.False(response.Headers.Contains("OCI-Filters-Applied"));
    }

    [Fact]
    public async Task A_digest_with_invalid_syntax_is_400_DIGEST_INVALID_naming_it()
    {
        using var response = await Client.GetAsync($"/v2/{Name}/referrers/sha256:not-hex");

        var error = await AssertErrorAsync(response, 400, "DIGEST_INVALID");
        Assert.Contains("sha256:not-hex", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    // The referrers API must not answer 404, and the spec asks 400 for an invalid request.
    [Fact]
    public async Task A_name_outside_the_grammar_is_400_NAME_INVALID_naming_it()
    {
        using var response = await Client.GetAsync($"/v2/Hello/referrers/sha256:{new string('3', 64)}");

        var error = await AssertErrorAsync(response, 400, "NAME_INVALID");
        Assert.Equal("Hello", error.GetProperty("detail").GetProperty("name").GetString());
    }

    private async Task<string> SubjectAsync() => (await OciManifestAsync(Client, Name)).Digest;
}
