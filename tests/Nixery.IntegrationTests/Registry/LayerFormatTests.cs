using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Nixery.Abstractions.Oci;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The standalone server with each non-default layer format (<c>Nixery:Packing:Format</c>), pulled by real podman and
/// copied by skopeo: eStargz is a tar.gz every client reads, zstd is for clients that read zstd and gets OCI manifests only.
/// </summary>
public sealed class LayerFormatTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-layer-format-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [InlineData("Estargz", MediaTypes.OciLayerGzip)]
    [InlineData("Zstd", MediaTypes.OciLayerZstd)]
    public async Task Podman_pulls_and_runs_an_image_of_the_format_and_skopeo_copies_blobs_that_match_their_digests(string format, string layerType)
    {
        await using var server = await StandaloneServer.StartAsync(null, $"--Nixery:Packing:Format={format}");
        var image = $"{server.Host}/shell/hello";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);
            Assert.Equal("Hello, world!", (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "hello")).Trim());
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
        }

        var layout = Path.Combine(_scratch, format);
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false", $"docker://{image}:latest", $"oci:{layout}:v1");
        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")));
        var entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(OciLayout.BlobPath(layout, entry.GetProperty("digest").GetString()!)));
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.All(layers, layer => Assert.Equal(layerType, layer.GetProperty("mediaType").GetString()));
        foreach (var layer in layers)
        {
            await using var stream = File.OpenRead(OciLayout.BlobPath(layout, layer.GetProperty("digest").GetString()!));
            Assert.Equal(layer.GetProperty("digest").GetString(), "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        }
    }

    [Fact]
    public async Task A_client_asking_only_for_docker_manifests_gets_the_oci_manifest_of_zstd_layers_and_gzip_images_keep_both_forms()
    {
        await using var zstd = await StandaloneServer.StartAsync(null, "--Nixery:Packing:Format=Zstd");
        await using var gzip = await StandaloneServer.StartAsync();

        Assert.Equal(MediaTypes.OciManifest, await DockerOnlyManifestTypeAsync(zstd.Client));
        Assert.Equal(MediaTypes.DockerManifest, await DockerOnlyManifestTypeAsync(gzip.Client));
    }

    private static async Task<string?> DockerOnlyManifestTypeAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/shell/hello/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.DockerManifest));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var mediaType = manifest.RootElement.GetProperty("mediaType").GetString();
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return mediaType;
    }

}
