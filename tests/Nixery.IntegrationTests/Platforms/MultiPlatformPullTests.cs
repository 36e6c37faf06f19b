using System.Text.Json;
using Nixery.Testing;
using static Nixery.Abstractions.Oci.MediaTypes;
using static Nixery.IntegrationTests.Platforms.RegistryManifests;

namespace Nixery.IntegrationTests.Platforms;

/// <summary>
/// One name for amd64 and arm64, pulled by real podman and skopeo from a server with both platforms: podman picks
/// the platform it is asked for (arm64 runs under qemu), skopeo sees the index and copies every platform.
/// </summary>
public sealed class MultiPlatformPullTests(MultiPlatformServerFixture fixture) : IClassFixture<MultiPlatformServerFixture>, IAsyncLifetime
{
    private readonly Registry.StandaloneServer _server = fixture.Server;
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-platforms-").FullName;
    private readonly HashSet<string> _pulled = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_pulled.Count > 0) await ExternalTool.RunAsync("podman", ["rmi", "--force", .. _pulled]);
        Directory.Delete(_scratch, recursive: true);
    }

    private async Task<string> PullAsync(string name, params string[] options)
    {
        var image = $"{_server.Host}/{name}:latest";
        _pulled.Add(image);
        await ExternalTool.RunCheckedAsync("podman", ["pull", "--quiet", "--tls-verify=false", .. options, image]);
        return image;
    }

    [Fact]
    public async Task Podman_pulls_the_arm64_image_of_a_plain_name_and_runs_its_arm64_hello_under_qemu()
    {
        var image = await PullAsync("shell/hello", "--arch", "arm64");

        var inspect = (await ExternalTool.RunCheckedAsync("podman", "image", "inspect", "--format", "{{.Architecture}}", image)).Trim();
        Assert.Equal("arm64", inspect);
        var output = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", "--arch", "arm64", image, "sh", "-c", "hello; uname -m");
        // uname -m answers aarch64 only from an arm64 program: qemu-aarch64 ran the image's busybox.
        Assert.Equal(["Hello, world!", "aarch64"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Podman_without_arch_pulls_the_amd64_image_of_the_same_name_here()
    {
        var image = await PullAsync("coreutils/hello");

        Assert.Equal("amd64", (await ExternalTool.RunCheckedAsync("podman", "image", "inspect", "--format", "{{.Architecture}}", image)).Trim());
        var output = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "uname", "-m");
        Assert.Equal("x86_64", output.Trim());
    }

    [Fact]
    public async Task Skopeo_inspect_raw_shows_the_oci_index_with_both_platforms()
    {
        var raw = await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{_server.Host}/hello:latest");

        using var index = JsonDocument.Parse(raw);
        Assert.Equal(OciIndex, index.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], PlatformsOf(index.RootElement));
    }

    [Fact]
    public async Task Skopeo_copy_all_copies_the_index_and_every_platforms_image_into_an_oci_layout()
    {
        var layout = Path.Combine(_scratch, "layout");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--all", "--src-tls-verify=false",
            $"docker://{_server.Host}/hello:latest", $"oci:{layout}:all");

        OciLayout.AssertBlobsHashToTheirNames(layout);
        using var top = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(layout, "index.json")));
        var tagged = Assert.Single(top.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(OciIndex, tagged.GetProperty("mediaType").GetString());
        using var index = JsonDocument.Parse(await File.ReadAllBytesAsync(OciLayout.BlobPath(layout, tagged.GetProperty("digest").GetString()!)));
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], PlatformsOf(index.RootElement));

        var architectures = new List<string>();
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(OciLayout.BlobPath(layout, entry.GetProperty("digest").GetString()!)));
            foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
                Assert.True(File.Exists(OciLayout.BlobPath(layout, layer.GetProperty("digest").GetString()!)));
            using var config = JsonDocument.Parse(await File.ReadAllBytesAsync(
                OciLayout.BlobPath(layout, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!)));
            architectures.Add(config.RootElement.GetProperty("architecture").GetString()!);
        }
        Assert.Equal(["amd64", "arm64"], architectures);
    }
}
