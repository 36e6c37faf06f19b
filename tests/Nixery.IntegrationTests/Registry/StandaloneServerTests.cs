using Nixery.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Registry;

/// <summary>The standalone server on the demo package set, pulled from by real skopeo and podman.</summary>
public sealed class StandaloneServerTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>, IDisposable
{
    private readonly StandaloneServer _server = fixture.Server;
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-server-client-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Skopeo_inspects_an_image_and_copies_it_into_an_oci_layout_whose_blobs_match_their_digests()
    {
        var inspect = await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{_server.Host}/hello");
        using (var json = JsonDocument.Parse(inspect))
        {
            Assert.Equal($"{_server.Host}/hello", json.RootElement.GetProperty("Name").GetString());
            Assert.StartsWith("sha256:", json.RootElement.GetProperty("Digest").GetString());
            Assert.True(json.RootElement.GetProperty("Layers").GetArrayLength() >= 2);
        }

        var layout = Path.Combine(_scratch, "layout");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false", $"docker://{_server.Host}/hello:latest", $"oci:{layout}:v1");

        Assert.Contains("imageLayoutVersion", await File.ReadAllTextAsync(Path.Combine(layout, "oci-layout")));
        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")));
        var entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal("v1", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(OciLayout.BlobPath(layout, entry.GetProperty("digest").GetString()!)));
        var blobs = manifest.RootElement.GetProperty("layers").EnumerateArray().Append(manifest.RootElement.GetProperty("config")).ToList();
        foreach (var blob in blobs)
        {
            var path = OciLayout.BlobPath(layout, blob.GetProperty("digest").GetString()!);
            Assert.Equal(blob.GetProperty("size").GetInt64(), new FileInfo(path).Length);
            await using var stream = File.OpenRead(path);
            Assert.Equal(blob.GetProperty("digest").GetString(), "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        }
    }

    [Fact]
    public async Task Podman_pulls_shell_hello_and_runs_it_printing_its_greeting()
    {
        var image = $"{_server.Host}/shell/hello:latest";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);
            var output = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "hello");
            Assert.Equal("Hello, world!", output.Trim());
            var shell = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "bash", "-c", "echo $((6*7)) | wc -c");
            Assert.Equal("3", shell.Trim());
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
        }
    }

    [Fact]
    public async Task Podman_pull_of_an_image_with_a_missing_package_fails_naming_the_package()
    {
        var (exitCode, _, error) = await ExternalTool.RunAsync("podman", "pull", "--tls-verify=false", $"{_server.Host}/hello/no-such-package");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("manifest unknown", error);
        Assert.Contains("no-such-package", error);
    }

    [Fact]
    public async Task Twenty_concurrent_pulls_of_one_cold_image_make_exactly_one_nix_build()
    {
        using var built = new EngineCounter(EngineCounter.ImagesBuilt);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pulling = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/shell/htop/git/manifests/latest");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
            using var response = await _server.Client.SendAsync(request);
            return (response.StatusCode, Digest: response.Headers.GetValues("Docker-Content-Digest").Single());
        })).ToList();
        go.SetResult();
        var pulls = await Task.WhenAll(pulling);

        Assert.Equal(20, pulls.Length);
        Assert.All(pulls, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(pulls.Select(r => r.Digest).Distinct());
        Assert.Equal(1, built.Count);
    }

    [Fact]
    public async Task The_index_page_shows_the_pull_command_for_the_requested_host_the_package_source_and_a_recent_nix_error()
    {
        using var failed = await _server.Client.GetAsync("/v2/failing-build/manifests/latest");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "registry.example:5000";
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("podman pull --tls-verify=false registry.example:5000/shell/hello", html);
        Assert.Contains("docker pull registry.example:5000/shell/hello", html);
        Assert.Contains("image: registry.example:5000/shell/hello:latest", html);
        Assert.Contains($"local path {RepositoryRoot.DemoPackages}", html);
        Assert.Contains("failing-build:latest", html);
        Assert.Contains("demo: failing-build always fails to build", html);
    }

    [Fact]
    public async Task The_index_page_html_encodes_nix_messages()
    {
        using var failed = await _server.Client.GetAsync("/v2/failing-build/manifests/latest");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);

        var html = await _server.Client.GetStringAsync("/");

        // Nix quotes derivation paths: 'builder for '/nix/store/…-failing-build-1.0.drv' failed'.
        Assert.Contains("&#x27;/nix/store/", html);
        Assert.DoesNotContain("'/nix/store/", html);
    }

}
