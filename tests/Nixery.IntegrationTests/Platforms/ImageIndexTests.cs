using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Abstractions.Storage;
using Nixery.Core.Collection;
using static Nixery.Abstractions.Oci.MediaTypes;
using static Nixery.IntegrationTests.Platforms.RegistryManifests;

namespace Nixery.IntegrationTests.Platforms;

/// <summary>
/// What a name without a platform answers over HTTP on a server with two platforms: an index for clients that list
/// one, a manifest list for Docker-only ones, one manifest for old clients, and every document by digest and HEAD.
/// </summary>
public sealed class ImageIndexTests(MultiPlatformServerFixture fixture) : IClassFixture<MultiPlatformServerFixture>
{
    private readonly HttpClient _client = fixture.Server.Client;

    [Fact]
    public async Task A_client_listing_the_oci_index_last_gets_an_index_of_an_amd64_and_an_arm64_v8_image_each_built_for_its_platform()
    {
        var index = await FetchAsync(_client, "hello", "latest", PodmanAccept);

        Assert.Equal((HttpStatusCode.OK, OciIndex), (index.Status, index.MediaType));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(index.Body)), index.Digest);
        Assert.Equal(OciIndex, index.Json.GetProperty("mediaType").GetString());
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], PlatformsOf(index.Json));
        var expected = new[] { ("amd64", (string?)null), ("arm64", "v8") };
        var entries = index.Json.GetProperty("manifests").EnumerateArray().ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(OciManifest, entries[i].GetProperty("mediaType").GetString());
            var manifest = await FetchAsync(_client, "hello", entries[i].GetProperty("digest").GetString()!, [OciManifest]);
            Assert.Equal((HttpStatusCode.OK, OciManifest), (manifest.Status, manifest.MediaType));
            Assert.Equal(entries[i].GetProperty("size").GetInt64(), manifest.Body.Length);
            var config = await ConfigAsync(_client, "hello", manifest.Json);
            var variant = config.TryGetProperty("variant", out var v) ? v.GetString() : null;
            Assert.Equal(expected[i], (config.GetProperty("architecture").GetString()!, variant));
        }
        // Different builds, not one image listed twice.
        Assert.NotEqual(entries[0].GetProperty("digest").GetString(), entries[1].GetProperty("digest").GetString());
    }

    [Fact]
    public async Task Head_and_get_by_digest_answer_the_index_and_every_entry_with_the_same_digest_type_and_length()
    {
        var head = await FetchAsync(_client, "hello", "latest", [OciIndex], head: true);
        var get = await FetchAsync(_client, "hello", "latest", [OciIndex]);
        Assert.Equal((HttpStatusCode.OK, OciIndex, get.Digest, (long?)get.Body.Length), (head.Status, head.MediaType, head.Digest, head.Length));
        Assert.Empty(head.Body);

        var byDigest = await FetchAsync(_client, "hello", get.Digest!, [OciIndex]);
        Assert.Equal((HttpStatusCode.OK, OciIndex), (byDigest.Status, byDigest.MediaType));
        Assert.Equal(get.Body, byDigest.Body);
        var headByDigest = await FetchAsync(_client, "hello", get.Digest!, [OciIndex], head: true);
        Assert.Equal((HttpStatusCode.OK, (long?)get.Body.Length), (headByDigest.Status, headByDigest.Length));

        foreach (var entry in get.Json.GetProperty("manifests").EnumerateArray())
        {
            var digest = entry.GetProperty("digest").GetString()!;
            var entryHead = await FetchAsync(_client, "hello", digest, [OciManifest], head: true);
            Assert.Equal((HttpStatusCode.OK, OciManifest, digest, entry.GetProperty("size").GetInt64()),
                (entryHead.Status, entryHead.MediaType, entryHead.Digest, entryHead.Length ?? -1));
        }
    }

    [Fact]
    public async Task The_index_is_stored_so_a_restarted_registry_still_answers_it_by_digest()
    {
        var index = await FetchAsync(_client, "shell/hello", "latest", [OciIndex]);
        Assert.Equal(HttpStatusCode.OK, index.Status);

        // A second server on the same storage, with nothing in memory: only the stored blob can answer.
        await using var other = await Registry.StandaloneServer.StartAsync(
            new Dictionary<string, string> { ["STORAGE_PATH"] = Path.Combine(fixture.Server.Directory, "storage") });
        var byDigest = await FetchAsync(other.Client, "shell/hello", index.Digest!, [OciIndex]);

        Assert.Equal((HttpStatusCode.OK, OciIndex), (byDigest.Status, byDigest.MediaType));
        Assert.Equal(index.Body, byDigest.Body);
    }

    [Fact]
    public async Task The_index_has_a_garbage_collection_root_naming_itself_and_every_blob_of_both_platforms_images()
    {
        var index = await FetchAsync(_client, "htop", "latest", [OciIndex]);
        var store = fixture.Server.Services.GetRequiredService<IBlobStore>();

        var record = await store.ReadRecordAsync(ImageRoots.RootName(Digest.Parse(index.Digest!)));
        Assert.NotNull(record);
        var kept = JsonDocument.Parse(record).RootElement.GetProperty("Blobs").EnumerateArray().Select(b => b.GetString()).ToHashSet();
        Assert.Contains(index.Digest, kept);
        foreach (var entry in index.Json.GetProperty("manifests").EnumerateArray())
        {
            var manifest = (await FetchAsync(_client, "htop", entry.GetProperty("digest").GetString()!, [OciManifest])).Json;
            Assert.Contains(entry.GetProperty("digest").GetString(), kept);
            Assert.Contains(manifest.GetProperty("config").GetProperty("digest").GetString(), kept);
            Assert.All(manifest.GetProperty("layers").EnumerateArray(), layer => Assert.Contains(layer.GetProperty("digest").GetString(), kept));
        }
    }

    [Fact]
    public async Task A_docker_only_client_gets_a_manifest_list_of_docker_manifests()
    {
        var list = await FetchAsync(_client, "hello", "latest", [DockerManifest, DockerManifestList]);

        Assert.Equal((HttpStatusCode.OK, DockerManifestList), (list.Status, list.MediaType));
        Assert.Equal(DockerManifestList, list.Json.GetProperty("mediaType").GetString());
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], PlatformsOf(list.Json));
        foreach (var entry in list.Json.GetProperty("manifests").EnumerateArray())
        {
            Assert.Equal(DockerManifest, entry.GetProperty("mediaType").GetString());
            var manifest = await FetchAsync(_client, "hello", entry.GetProperty("digest").GetString()!, [DockerManifest]);
            Assert.Equal((HttpStatusCode.OK, DockerManifest), (manifest.Status, manifest.MediaType));
        }
        var oci = await FetchAsync(_client, "hello", "latest", [OciIndex]);
        Assert.NotEqual(oci.Digest, list.Digest);
    }

    [Theory]
    [InlineData(OciManifest)]
    [InlineData(DockerManifest)]
    [InlineData("*/*")]
    public async Task A_client_that_lists_no_index_type_gets_the_first_platforms_manifest(string accept)
    {
        var answer = await FetchAsync(_client, "hello", "latest", [accept]);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains(answer.MediaType, new[] { OciManifest, DockerManifest });
        Assert.Equal("amd64", (await ConfigAsync(_client, "hello", answer.Json)).GetProperty("architecture").GetString());
        var index = await FetchAsync(_client, "hello", "latest", [OciIndex, DockerManifestList]);
        Assert.Contains(answer.Digest, Entries(index.Json).Concat(Entries((await FetchAsync(_client, "hello", "latest", [DockerManifestList])).Json)));
    }

    [Fact]
    public async Task The_arm64_meta_package_still_answers_one_arm64_manifest_even_to_a_client_that_lists_the_index()
    {
        var answer = await FetchAsync(_client, "arm64/hello", "latest", PodmanAccept);

        Assert.Equal((HttpStatusCode.OK, OciManifest), (answer.Status, answer.MediaType));
        var config = await ConfigAsync(_client, "arm64/hello", answer.Json);
        Assert.Equal(("arm64", "v8"), (config.GetProperty("architecture").GetString(), config.GetProperty("variant").GetString()));
        // The same image the index lists for arm64.
        var index = await FetchAsync(_client, "hello", "latest", [OciIndex]);
        Assert.Equal(answer.Digest, Entries(index.Json)[1]);
    }

    [Fact]
    public async Task A_package_only_amd64_has_is_not_found_for_arm64_naming_the_platform_and_the_package()
    {
        var error = await ManifestUnknownAsync("amd64-only");

        Assert.Contains("linux/arm64", error.GetProperty("message").GetString());
        Assert.Contains("amd64-only", error.GetProperty("message").GetString());
        Assert.Equal(["amd64-only"], error.GetProperty("detail").GetProperty("packages").EnumerateArray().Select(p => p.GetString()));

        // Old clients get amd64's manifest, which has it.
        Assert.Equal(HttpStatusCode.OK, (await FetchAsync(_client, "amd64-only", "latest", [OciManifest])).Status);
    }

    [Fact]
    public async Task A_package_no_platform_has_is_not_found_without_naming_a_platform()
    {
        var error = await ManifestUnknownAsync("hello/nosuchpackage");

        Assert.Equal("package not found in the package set: nosuchpackage", error.GetProperty("message").GetString());
    }

    /// <summary>The one error of a <c>404 MANIFEST_UNKNOWN</c> answer to a client that lists the index.</summary>
    private async Task<JsonElement> ManifestUnknownAsync(string name)
    {
        var answer = await FetchAsync(_client, name, "latest", PodmanAccept);
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        var error = Assert.Single(answer.Json.GetProperty("errors").EnumerateArray());
        Assert.Equal("MANIFEST_UNKNOWN", error.GetProperty("code").GetString());
        return error;
    }

    private static List<string> Entries(JsonElement index) =>
        [.. index.GetProperty("manifests").EnumerateArray().Select(entry => entry.GetProperty("digest").GetString()!)];
}
