using System.Net;
using System.Text.Json;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

[Collection(RegistryCollection.Name)]
public sealed class ManifestEndpointTests(RegistryServer server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Api_version_check_answers_200_with_an_empty_object_and_the_version_header()
    {
        using var response = await Client.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", Header(response, "Docker-Distribution-API-Version"));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());

        using var head = await Client.SendAsync(Request(HttpMethod.Head, "/v2/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("registry/2.0", Header(head, "Docker-Distribution-API-Version"));

        using var withoutSlash = await Client.GetAsync("/v2");
        Assert.Equal(HttpStatusCode.OK, withoutSlash.StatusCode);
        Assert.Equal("registry/2.0", Header(withoutSlash, "Docker-Distribution-API-Version"));
    }

    [Theory]
    [InlineData(Oci)]
    [InlineData(Docker)]
    public async Task Manifest_by_tag_is_served_in_the_form_the_accept_header_asks_for(string mediaType)
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", mediaType));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(body));

        Assert.Equal(mediaType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(Sha256(body), Header(response, "Docker-Content-Digest"));
        Assert.Equal("registry/2.0", Header(response, "Docker-Distribution-API-Version"));
        Assert.Contains("Accept", response.Headers.Vary);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(mediaType, json.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("schemaVersion").GetInt32());
    }

    [Fact]
    public async Task Manifest_without_accept_header_is_docker_v2_schema_2()
    {
        using var response = await Client.GetAsync("/v2/hello/manifests/latest");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Docker, response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Head_by_tag_then_get_by_digest_serves_the_same_manifest_and_builds_once()
    {
        var before = server.Builds.Built;
        using var head = await Client.SendAsync(Request(HttpMethod.Head, "/v2/htop/manifests/latest", Oci));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(before + 1, server.Builds.Built);
        var digest = Header(head, "Docker-Content-Digest");
        Assert.Equal(Oci, head.Content.Headers.ContentType?.ToString());
        var length = head.Content.Headers.ContentLength;
        Assert.True(length > 0);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var byDigest = await Client.SendAsync(Request(HttpMethod.Get, $"/v2/htop/manifests/{digest}", Docker));
        var body = await byDigest.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
        Assert.Equal(digest, Sha256(body));
        Assert.Equal(digest, Header(byDigest, "Docker-Content-Digest"));
        Assert.Equal(length, body.Length);
        // The digest decides the content, whatever Accept says; the media type is the manifest's own.
        Assert.Equal(Oci, byDigest.Content.Headers.ContentType?.ToString());

        // Clients that HEAD and then GET the tag (and a second HEAD) get the same image without another build.
        using var byTag = await Client.SendAsync(Request(HttpMethod.Get, "/v2/htop/manifests/latest", Oci));
        Assert.Equal(digest, Header(byTag, "Docker-Content-Digest"));
        using var again = await Client.SendAsync(Request(HttpMethod.Head, "/v2/htop/manifests/latest", Oci));
        Assert.Equal(digest, Header(again, "Docker-Content-Digest"));
        Assert.Equal(before + 1, server.Builds.Built);
    }

    [Fact]
    public async Task Names_that_list_the_same_packages_in_another_order_share_the_recent_build()
    {
        using var first = await Client.SendAsync(Request(HttpMethod.Get, "/v2/git/htop/manifests/latest", Oci));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var built = server.Builds.Built;
        using var second = await Client.SendAsync(Request(HttpMethod.Get, "/v2/htop/git/manifests/latest", Oci));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(Header(first, "Docker-Content-Digest"), Header(second, "Docker-Content-Digest"));
        Assert.Equal(built, server.Builds.Built);
    }

    [Fact]
    public async Task Manifest_by_digest_has_the_media_type_of_the_stored_manifest()
    {
        foreach (var mediaType in new[] { Oci, Docker })
        {
            using var byTag = await Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", mediaType));
            var digest = Header(byTag, "Docker-Content-Digest");

            using var head = await Client.SendAsync(Request(HttpMethod.Head, $"/v2/hello/manifests/{digest}"));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(mediaType, head.Content.Headers.ContentType?.ToString());
            Assert.Equal(digest, Header(head, "Docker-Content-Digest"));
            Assert.Equal(byTag.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task A_config_blob_asked_for_as_a_manifest_is_manifest_unknown()
    {
        using var manifest = await Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", Oci));
        using var json = JsonDocument.Parse(await manifest.Content.ReadAsStringAsync());
        var config = json.RootElement.GetProperty("config").GetProperty("digest").GetString();
        var layer = json.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString();

        foreach (var digest in new[] { config, layer })
        {
            using var response = await Client.GetAsync($"/v2/hello/manifests/{digest}");
            await AssertErrorAsync(response, 404, "MANIFEST_UNKNOWN");
        }
    }

    [Fact]
    public async Task Unknown_query_parameters_such_as_containerds_ns_are_ignored()
    {
        using var plain = await Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", Oci));
        using var mirrored = await Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest?ns=docker.io", Oci));
        Assert.Equal(HttpStatusCode.OK, mirrored.StatusCode);
        Assert.Equal(Header(plain, "Docker-Content-Digest"), Header(mirrored, "Docker-Content-Digest"));

        var digest = Header(plain, "Docker-Content-Digest");
        using var blob = await Client.GetAsync($"/v2/hello/manifests/{digest}?ns=docker.io&other=1");
        Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
        using var ping = await Client.GetAsync("/v2/?ns=docker.io");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    [Fact]
    public async Task Tag_list_names_the_repository_and_offers_latest()
    {
        using var response = await Client.GetAsync("/v2/shell/hello/tags/list");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("shell/hello", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(["latest"], json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        using var paged = await Client.GetAsync("/v2/shell/hello/tags/list?n=1&last=latest");
        using var pagedJson = JsonDocument.Parse(await paged.Content.ReadAsStringAsync());
        Assert.Equal(0, pagedJson.RootElement.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public async Task Each_manifest_request_is_logged_with_image_tag_outcome_and_duration()
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest?log=1", Oci));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var digest = Header(response, "Docker-Content-Digest");

        var record = server.Logs.Records.Last(r =>
            r.Category.EndsWith("RegistryEndpoints", StringComparison.Ordinal) && Equals(r.Properties.GetValueOrDefault("ManifestDigest"), digest));
        Assert.Equal("hello", record.Properties["Image"]);
        Assert.Equal("latest", record.Properties["Reference"]);
        Assert.Equal("GET", record.Properties["Method"]);
        Assert.Contains(record.Properties["Outcome"] as string, new[] { "built", "recent-build" });
        Assert.IsType<double>(record.Properties["ElapsedMs"]);
    }
}
