using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Conformance;

/// <summary>
/// Distribution-spec 1.1, "Pulling blobs" and "Checking if content exists in the registry" (blobs), end-2:
/// <c>GET</c>/<c>HEAD /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c> of the blobs a built image's manifest names, ranges
/// (the spec's SHOULD, which the official suite tests), and the errors, against the real server.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class PullingBlobsTests(RegistryServer server)
{
    private const string Name = "hello";
    private const string Unknown = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private const string UnknownSha512 = "sha512:" +
        "22222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222";

    private HttpClient Client => server.Client;

    [Fact]
    public async Task Get_of_an_existing_blob_is_200_with_bytes_matching_the_digest_and_its_header()
    {
        var (config, _) = await BlobsAsync();

        using var response = await Client.GetAsync($"/v2/{Name}/blobs/{config}");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(config, Sha256(body));
        Assert.Equal(config, Header(response, "Docker-Content-Digest"));
    }

    [Fact]
    public async Task Head_of_an_existing_blob_is_200_with_its_digest_and_size_and_no_body()
    {
        var (_, layer) = await BlobsAsync();

        using var response = await Client.SendAsync(Request(HttpMethod.Head, $"/v2/{Name}/blobs/{layer.Digest}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(layer.Digest, Header(response, "Docker-Content-Digest"));
        Assert.Equal(layer.Size, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_range_is_206_with_those_bytes_and_Content_Range()
    {
        var (_, layer) = await BlobsAsync();
        Assert.True(layer.Size > 1500, $"the layer has {layer.Size} bytes");
        var whole = await Client.GetByteArrayAsync($"/v2/{Name}/blobs/{layer.Digest}");

        using var request = Request(HttpMethod.Get, $"/v2/{Name}/blobs/{layer.Digest}");
        request.Headers.Range = new RangeHeaderValue(500, 1499);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole[500..1500], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 500-1499/{layer.Size}", response.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("GET", Unknown)]
    [InlineData("HEAD", Unknown)]
    [InlineData("GET", UnknownSha512)]
    [InlineData("HEAD", UnknownSha512)]
    public async Task A_blob_the_registry_does_not_have_is_404_BLOB_UNKNOWN(string method, string digest)
    {
        using var response = await Client.SendAsync(Request(new HttpMethod(method), $"/v2/{Name}/blobs/{digest}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        if (method == "GET")
        {
            var error = await AssertErrorAsync(response, 404, "BLOB_UNKNOWN");
            Assert.Contains(digest, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("sha256:totallywrong")]
    [InlineData("latest")]
    public async Task A_malformed_digest_is_400_DIGEST_INVALID_naming_it(string digest)
    {
        using var response = await Client.GetAsync($"/v2/{Name}/blobs/{digest}");

        var error = await AssertErrorAsync(response, 400, "DIGEST_INVALID");
        Assert.Contains(digest, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(digest, error.GetProperty("detail").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task A_name_outside_the_grammar_is_404_NAME_INVALID_naming_it()
    {
        using var response = await Client.GetAsync($"/v2/Hello/blobs/{Unknown}");

        var error = await AssertErrorAsync(response, 404, "NAME_INVALID");
        Assert.Contains("'Hello'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The config digest and the first layer of <c>hello</c>'s OCI manifest.</summary>
    private async Task<(string Config, (string Digest, long Size) Layer)> BlobsAsync()
    {
        using var manifest = JsonDocument.Parse((await OciManifestAsync(Client, Name)).Bytes);
        var config = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        var layer = manifest.RootElement.GetProperty("layers").EnumerateArray()
            .OrderByDescending(l => l.GetProperty("size").GetInt64()).First();
        return (config, (layer.GetProperty("digest").GetString()!, layer.GetProperty("size").GetInt64()));
    }
}
