using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using static Nixery.Abstractions.Oci.MediaTypes;

namespace Nixery.IntegrationTests.Platforms;

/// <summary>Manifests, indexes and configs as a client asks for them over HTTP, with the answer's headers checked.</summary>
internal static class RegistryManifests
{
    /// <summary>What podman sends: manifests first, indexes last.</summary>
    public static readonly string[] PodmanAccept =
        [OciManifest, DockerManifest, "application/vnd.docker.distribution.manifest.v1+prettyjws", DockerManifestList, OciIndex];

    /// <summary>A manifest or index answer: its media type, digest header, bytes (empty for HEAD) and parsed JSON.</summary>
    public sealed record Answer(HttpStatusCode Status, string? MediaType, string? Digest, long? Length, byte[] Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    }

    /// <summary><c>GET</c> or <c>HEAD</c> of <c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c> with <paramref name="accept"/>.</summary>
    public static async Task<Answer> FetchAsync(HttpClient client, string name, string reference, IEnumerable<string> accept, bool head = false)
    {
        using var request = new HttpRequestMessage(head ? HttpMethod.Head : HttpMethod.Get, $"/v2/{name}/manifests/{reference}");
        foreach (var type in accept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await client.SendAsync(request);
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.Single() : null;
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, digest,
            response.Content.Headers.ContentLength, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The image config a manifest names, as JSON.</summary>
    public static async Task<JsonElement> ConfigAsync(HttpClient client, string name, JsonElement manifest)
    {
        var digest = manifest.GetProperty("config").GetProperty("digest").GetString();
        using var response = await client.GetAsync($"/v2/{name}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync()).RootElement.Clone();
    }

    /// <summary>Each index entry's <c>architecture</c> (with <c>/variant</c> when set) and <c>os</c>.</summary>
    public static IEnumerable<string> PlatformsOf(JsonElement index) =>
        index.GetProperty("manifests").EnumerateArray().Select(entry => entry.GetProperty("platform")).Select(platform =>
            platform.GetProperty("os").GetString() + "/" + platform.GetProperty("architecture").GetString()
            + (platform.TryGetProperty("variant", out var variant) ? "/" + variant.GetString() : ""));
}
