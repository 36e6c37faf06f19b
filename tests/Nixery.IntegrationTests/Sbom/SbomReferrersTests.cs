using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Nixery.IntegrationTests.Registry;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Sbom;

/// <summary>
/// SBOMs as OCI 1.1 referrers on the standalone server: the referrers API (distribution-spec 1.1, "Listing Referrers")
/// for both manifest forms, the artifact pulled by digest with curl-like requests and real skopeo, and the SBOM's
/// content checked against what nix-store reports of the image's closure.
/// </summary>
public sealed class SbomReferrersTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>, IDisposable
{
    private const string Image = "hello";
    private readonly StandaloneServer _server = fixture.Server;
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-sbom-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private HttpClient Client => _server.Client;

    [Fact]
    public async Task Referrers_of_the_oci_and_the_docker_manifest_each_list_an_sbom_whose_subject_is_that_manifest()
    {
        foreach (var form in new[] { RegistrySbom.OciManifest, RegistrySbom.DockerManifest })
        {
            var subject = await RegistrySbom.ManifestDigestAsync(Client, Image, form);
            var (index, headers) = await RegistrySbom.ReferrersAsync(Client, Image, subject);
            Assert.False(headers.Contains("OCI-Filters-Applied"));
            var entry = Assert.Single(index.GetProperty("manifests").EnumerateArray());
            Assert.Equal(RegistrySbom.OciManifest, entry.GetProperty("mediaType").GetString());
            Assert.Equal(RegistrySbom.CycloneDx, entry.GetProperty("artifactType").GetString());
            Assert.Equal("1970-01-01T00:00:01Z", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.created").GetString());

            var bytes = await Client.GetByteArrayAsync($"/v2/{Image}/manifests/{entry.GetProperty("digest").GetString()}");
            Assert.Equal(entry.GetProperty("size").GetInt64(), bytes.Length);
            using var artifact = JsonDocument.Parse(bytes);
            var subjectDescriptor = artifact.RootElement.GetProperty("subject");
            Assert.Equal(subject, subjectDescriptor.GetProperty("digest").GetString());
            Assert.Equal(form, subjectDescriptor.GetProperty("mediaType").GetString());
        }
    }

    [Fact]
    public async Task An_artifact_type_filter_keeps_the_matching_referrers_and_says_it_was_applied()
    {
        var subject = await RegistrySbom.ManifestDigestAsync(Client, Image, RegistrySbom.OciManifest);

        var (matching, matchingHeaders) = await RegistrySbom.ReferrersAsync(Client, Image, subject, "?artifactType=application/vnd.cyclonedx%2Bjson");
        var (other, otherHeaders) = await RegistrySbom.ReferrersAsync(Client, Image, subject, "?artifactType=application/vnd.example.signature.v1");

        Assert.Single(matching.GetProperty("manifests").EnumerateArray());
        Assert.Equal("artifactType", Assert.Single(matchingHeaders.GetValues("OCI-Filters-Applied")));
        Assert.Empty(other.GetProperty("manifests").EnumerateArray());
        Assert.Equal("artifactType", Assert.Single(otherHeaders.GetValues("OCI-Filters-Applied")));
    }

    [Fact]
    public async Task The_artifact_manifest_its_empty_config_and_its_sbom_blob_are_served_by_digest()
    {
        var subject = await RegistrySbom.ManifestDigestAsync(Client, Image, RegistrySbom.OciManifest);
        var digest = await RegistrySbom.ArtifactDigestAsync(Client, Image, subject);

        using var response = await Client.GetAsync($"/v2/{Image}/manifests/{digest}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RegistrySbom.OciManifest, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var root = manifest.RootElement;
        Assert.Equal(RegistrySbom.CycloneDx, root.GetProperty("artifactType").GetString());

        var config = root.GetProperty("config");
        Assert.Equal("application/vnd.oci.empty.v1+json", config.GetProperty("mediaType").GetString());
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", config.GetProperty("digest").GetString());
        Assert.Equal(2, config.GetProperty("size").GetInt64());
        Assert.Equal("{}", await Client.GetStringAsync($"/v2/{Image}/blobs/{config.GetProperty("digest").GetString()}"));

        var layer = Assert.Single(root.GetProperty("layers").EnumerateArray());
        Assert.Equal(RegistrySbom.CycloneDx, layer.GetProperty("mediaType").GetString());
        var sbom = await Client.GetByteArrayAsync($"/v2/{Image}/blobs/{layer.GetProperty("digest").GetString()}");
        Assert.Equal(layer.GetProperty("digest").GetString(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(sbom)));
        using var bom = JsonDocument.Parse(sbom);
        Assert.Equal("CycloneDX", bom.RootElement.GetProperty("bomFormat").GetString());
        Assert.Equal(subject, bom.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString());
    }

    [Fact]
    public async Task Skopeo_inspects_the_sbom_artifact_by_digest_and_copies_it_with_its_blobs()
    {
        var subject = await RegistrySbom.ManifestDigestAsync(Client, Image, RegistrySbom.OciManifest);
        var digest = await RegistrySbom.ArtifactDigestAsync(Client, Image, subject);
        var reference = $"docker://{_server.Host}/{Image}@{digest}";

        var raw = await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", "--tls-verify=false", reference);
        Assert.Equal(await Client.GetStringAsync($"/v2/{Image}/manifests/{digest}"), raw.TrimEnd('\n'));

        var copy = Path.Combine(_scratch, "sbom");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false", reference, $"dir:{copy}");
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(copy, "manifest.json")));
        var layer = manifest.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!;
        using var bom = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(copy, layer["sha256:".Length..])));
        Assert.Equal("1.5", bom.RootElement.GetProperty("specVersion").GetString());
    }

    [Fact]
    public async Task The_sbom_lists_every_store_path_of_the_closure_with_its_nar_size_and_its_references_as_nix_store_reports_them()
    {
        using var bom = JsonDocument.Parse(await RegistrySbom.SbomAsync(Client, Image));
        var root = bom.RootElement;
        var components = root.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("bom-ref").GetString()!);
        var imageRef = root.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString()!;
        var dependencies = root.GetProperty("dependencies").EnumerateArray().ToDictionary(
            d => d.GetProperty("ref").GetString()!,
            d => d.GetProperty("dependsOn").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToList());

        // The image depends on the requested packages; their closure is the image's.
        var topLevel = dependencies[imageRef];
        Assert.Contains(topLevel, path => path.Contains("-hello-", StringComparison.Ordinal));
        var closure = (await NixStoreAsync(["-qR", .. topLevel])).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(closure, components.Keys.Order(StringComparer.Ordinal));

        foreach (var path in closure)
        {
            var component = components[path];
            var properties = component.GetProperty("properties").EnumerateArray()
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString()!);
            Assert.Equal(path, properties["nix:store_path"]);
            Assert.Equal(Assert.Single(await NixStoreAsync(["-q", "--size", path])), properties["nix:narinfo:nar_size"]);
            var references = (await NixStoreAsync(["-q", "--references", path])).Where(r => r != path).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(references, dependencies[path]);
            Assert.Equal(topLevel.Contains(path) ? "application" : "library", component.GetProperty("type").GetString());
        }
        var hello = components[topLevel.Single(p => p.Contains("-hello-", StringComparison.Ordinal))];
        Assert.Equal("hello", hello.GetProperty("name").GetString());
        Assert.True(hello.TryGetProperty("version", out var version) && version.GetString()!.Length > 0);
    }

    [Fact]
    public async Task Referrers_of_an_unknown_digest_are_an_empty_index_and_a_bad_digest_or_name_is_a_400_naming_it()
    {
        var unknown = "sha256:" + new string('0', 64);
        var (index, _) = await RegistrySbom.ReferrersAsync(Client, Image, unknown);
        Assert.Empty(index.GetProperty("manifests").EnumerateArray());

        using var badDigest = await Client.GetAsync($"/v2/{Image}/referrers/sha256:not-hex");
        Assert.Equal(HttpStatusCode.BadRequest, badDigest.StatusCode);
        var digestError = await badDigest.Content.ReadAsStringAsync();
        Assert.Contains("DIGEST_INVALID", digestError);
        Assert.Contains("sha256:not-hex", digestError);

        using var badName = await Client.GetAsync($"/v2/Hello/referrers/{unknown}");
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        var nameError = await badName.Content.ReadAsStringAsync();
        Assert.Contains("NAME_INVALID", nameError);
        Assert.Contains("Hello", nameError);
    }

    [Fact]
    public async Task The_same_image_built_again_on_another_store_has_the_same_sbom_bytes_and_artifact_digests()
    {
        await using var other = await StandaloneServer.StartAsync();
        foreach (var form in new[] { RegistrySbom.OciManifest, RegistrySbom.DockerManifest })
        {
            var here = await RegistrySbom.ManifestDigestAsync(Client, Image, form);
            var there = await RegistrySbom.ManifestDigestAsync(other.Client, Image, form);
            Assert.Equal(here, there);
            Assert.Equal(await RegistrySbom.ArtifactDigestAsync(Client, Image, here), await RegistrySbom.ArtifactDigestAsync(other.Client, Image, there));
        }
        Assert.Equal(await RegistrySbom.SbomAsync(Client, Image), await RegistrySbom.SbomAsync(other.Client, Image));
    }

    [Fact]
    public async Task With_sboms_turned_off_an_image_has_no_referrers_and_none_are_recorded()
    {
        await using var off = await StandaloneServer.StartAsync(null, "--Nixery:Sboms=false");
        var subject = await RegistrySbom.ManifestDigestAsync(off.Client, Image, RegistrySbom.OciManifest);

        var (index, _) = await RegistrySbom.ReferrersAsync(off.Client, Image, subject);
        Assert.Empty(index.GetProperty("manifests").EnumerateArray());
        Assert.False(Directory.Exists(Path.Combine(off.Directory, "storage", "records", "referrers")));
        Assert.True(Directory.Exists(Path.Combine(off.Directory, "storage", "records", "roots"))); // the image itself was recorded
    }

    private static async Task<IReadOnlyList<string>> NixStoreAsync(string[] arguments) =>
        (await ExternalTool.RunCheckedAsync("nix-store", arguments)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
