using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

[Collection(RegistryCollection.Name)]
public sealed class BlobEndpointTests(RegistryServer server)
{
    private HttpClient Client => server.Client;

    private async Task<(string Config, IReadOnlyList<(string Digest, long Size)> Layers)> HelloAsync()
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", Oci));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var layers = json.RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => (l.GetProperty("digest").GetString()!, l.GetProperty("size").GetInt64())).ToList();
        return (json.RootElement.GetProperty("config").GetProperty("digest").GetString()!, layers);
    }

    private async Task<(string Digest, byte[] Bytes)> LargestLayerAsync()
    {
        var (_, layers) = await HelloAsync();
        var (digest, _) = layers.MaxBy(l => l.Size);
        return (digest, await Client.GetByteArrayAsync($"/v2/hello/blobs/{digest}"));
    }

    [Fact]
    public async Task Every_blob_of_an_image_is_served_with_bytes_that_hash_to_its_digest()
    {
        var (config, layers) = await HelloAsync();
        foreach (var (digest, size) in layers.Append((config, -1)))
        {
            using var response = await Client.GetAsync($"/v2/hello/blobs/{digest}");
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(digest, Sha256(bytes));
            Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("bytes", Header(response, "Accept-Ranges"));
            if (size >= 0) Assert.Equal(size, bytes.Length);
        }
    }

    [Fact]
    public async Task Head_of_a_blob_gives_its_length_and_digest_without_a_body()
    {
        var (digest, bytes) = await LargestLayerAsync();
        using var head = await Client.SendAsync(Request(HttpMethod.Head, $"/v2/shell/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        Assert.Equal(digest, Header(head, "Docker-Content-Digest"));
        Assert.Equal("bytes", Header(head, "Accept-Ranges"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Range_of_the_first_bytes_answers_206_with_content_range()
    {
        var (digest, bytes) = await LargestLayerAsync();
        var request = Request(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
        request.Headers.Range = new RangeHeaderValue(0, 9);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 0-9/{bytes.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[..10], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
    }

    [Fact]
    public async Task Suffix_range_serves_the_last_bytes()
    {
        var (digest, bytes) = await LargestLayerAsync();
        var request = Request(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
        request.Headers.Range = new RangeHeaderValue(null, 16);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {bytes.Length - 16}-{bytes.Length - 1}/{bytes.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[^16..], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Open_ended_range_serves_the_rest_so_an_interrupted_download_can_resume()
    {
        var (digest, bytes) = await LargestLayerAsync();
        var from = bytes.Length / 2;
        var request = Request(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
        request.Headers.Range = new RangeHeaderValue(from, null);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {from}-{bytes.Length - 1}/{bytes.Length}", response.Content.Headers.ContentRange?.ToString());
        var rest = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes[from..], rest);
        Assert.Equal(digest, Sha256([.. bytes[..from], .. rest]));
    }

    [Fact]
    public async Task Range_beyond_the_end_answers_416_with_the_size()
    {
        var (digest, bytes) = await LargestLayerAsync();
        var request = Request(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
        request.Headers.Range = new RangeHeaderValue(bytes.Length, null);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{bytes.Length}", response.Content.Headers.ContentRange?.ToString());
    }
}
