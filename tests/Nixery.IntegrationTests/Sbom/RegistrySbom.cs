using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Nixery.IntegrationTests.Sbom;

/// <summary>Finds an image's SBOM as a client does: manifest digest, referrers list, artifact manifest, SBOM blob.</summary>
internal static class RegistrySbom
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string CycloneDx = "application/vnd.cyclonedx+json";

    /// <summary>The digest of <paramref name="image"/>'s manifest in the form <paramref name="mediaType"/>.</summary>
    public static async Task<string> ManifestDigestAsync(HttpClient client, string image, string mediaType, string tag = "latest")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{image}/manifests/{tag}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    /// <summary>The referrers index of <paramref name="digest"/> (checked to be a 200 OCI index), with the response headers.</summary>
    public static async Task<(JsonElement Index, HttpResponseHeaders Headers)> ReferrersAsync(HttpClient client, string image, string digest, string query = "")
    {
        using var response = await client.GetAsync($"/v2/{image}/referrers/{digest}{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.oci.image.index.v1+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("application/vnd.oci.image.index.v1+json", json.RootElement.GetProperty("mediaType").GetString());
        return (json.RootElement.Clone(), response.Headers);
    }

    /// <summary>The digest of the one SBOM artifact whose subject is <paramref name="digest"/>.</summary>
    public static async Task<string> ArtifactDigestAsync(HttpClient client, string image, string digest)
    {
        var (index, _) = await ReferrersAsync(client, image, digest);
        var entry = Assert.Single(index.GetProperty("manifests").EnumerateArray());
        Assert.Equal(CycloneDx, entry.GetProperty("artifactType").GetString());
        return entry.GetProperty("digest").GetString()!;
    }

    /// <summary>The SBOM of <paramref name="image"/> at <paramref name="tag"/> (found from its OCI manifest) as bytes.</summary>
    public static async Task<byte[]> SbomAsync(HttpClient client, string image, string tag = "latest")
    {
        var subject = await ManifestDigestAsync(client, image, OciManifest, tag);
        var artifact = await ArtifactDigestAsync(client, image, subject);
        using var manifest = JsonDocument.Parse(await client.GetByteArrayAsync($"/v2/{image}/manifests/{artifact}"));
        var layer = Assert.Single(manifest.RootElement.GetProperty("layers").EnumerateArray());
        return await client.GetByteArrayAsync($"/v2/{image}/blobs/{layer.GetProperty("digest").GetString()}");
    }
}
