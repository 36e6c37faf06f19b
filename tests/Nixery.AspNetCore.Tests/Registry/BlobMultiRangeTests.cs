using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

/// <summary>Several ranges in one request answer <c>206 multipart/byteranges</c> (RFC 9110 §14.6), as partial pulls ask.</summary>
[Collection(RegistryCollection.Name)]
public sealed class BlobMultiRangeTests(RegistryServer server)
{
    private async Task<(string Digest, byte[] Bytes)> LargestLayerAsync()
    {
        using var response = await server.Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", Oci));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var digest = json.RootElement.GetProperty("layers").EnumerateArray().MaxBy(l => l.GetProperty("size").GetInt64()).GetProperty("digest").GetString()!;
        return (digest, await server.Client.GetByteArrayAsync($"/v2/hello/blobs/{digest}"));
    }

    private async Task<HttpResponseMessage> GetRangesAsync(string digest, string ranges)
    {
        var request = Request(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", ranges);
        return await server.Client.SendAsync(request);
    }

    private static async Task<List<(string ContentRange, byte[] Bytes)>> PartsAsync(HttpResponseMessage response)
    {
        var boundary = HeaderUtilities(response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!);
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync());
        var parts = new List<(string, byte[])>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            Assert.Equal("application/octet-stream", section.ContentType);
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes);
            parts.Add((section.Headers!["Content-Range"].ToString(), bytes.ToArray()));
        }
        return parts;
    }

    private static string HeaderUtilities(string value) => value.Trim('"');

    [Fact]
    public async Task Three_ranges_answer_one_part_each_in_the_order_asked_with_their_content_ranges()
    {
        var (digest, blob) = await LargestLayerAsync();
        var length = blob.Length;
        using var response = await GetRangesAsync(digest, $"bytes=100-199,0-9,-16,{length - 5}-");

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("multipart/byteranges", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var parts = await PartsAsync(response);
        Assert.Equal(
            [$"bytes 100-199/{length}", $"bytes 0-9/{length}", $"bytes {length - 16}-{length - 1}/{length}", $"bytes {length - 5}-{length - 1}/{length}"],
            parts.Select(p => p.ContentRange));
        Assert.Equal(blob[100..200], parts[0].Bytes);
        Assert.Equal(blob[..10], parts[1].Bytes);
        Assert.Equal(blob[^16..], parts[2].Bytes);
        Assert.Equal(blob[^5..], parts[3].Bytes);
    }

    [Fact]
    public async Task Unsatisfiable_ranges_are_left_out_and_when_none_is_left_the_answer_is_416()
    {
        var (digest, blob) = await LargestLayerAsync();
        using (var some = await GetRangesAsync(digest, $"bytes={blob.Length + 10}-{blob.Length + 20},1-2"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, some.StatusCode);
            var part = Assert.Single(await PartsAsync(some));
            Assert.Equal(blob[1..3], part.Bytes);
        }
        using var none = await GetRangesAsync(digest, $"bytes={blob.Length}-,{blob.Length + 5}-{blob.Length + 6}");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, none.StatusCode);
        Assert.Equal($"bytes */{blob.Length}", none.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task A_malformed_range_set_is_ignored_and_the_whole_blob_served()
    {
        var (digest, blob) = await LargestLayerAsync();
        using var response = await GetRangesAsync(digest, "bytes=20-10,1-2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(blob, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_single_range_still_answers_a_plain_206()
    {
        var (digest, blob) = await LargestLayerAsync();
        using var response = await GetRangesAsync(digest, "bytes=5-14");
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(blob[5..15], await response.Content.ReadAsByteArrayAsync());
    }
}
