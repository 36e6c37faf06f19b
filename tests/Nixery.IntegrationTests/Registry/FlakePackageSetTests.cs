using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nixery.IntegrationTests.Support;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The standalone server on the demo flake as a <c>path:</c> flake (NIXERY_FLAKE), offline: packages come from
/// <c>packages.x86_64-linux</c> before <c>legacyPackages.x86_64-linux</c>, by the lookup rules of every package set,
/// and a local flake is pinned by its content, so a second pull is served from the cache even with recent builds off.
/// </summary>
public sealed class FlakePackageSetTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await StandaloneServer.StartAsync(
            new Dictionary<string, string> { ["NIXERY_FLAKE"] = "path:" + RepositoryRoot.DemoPackages },
            "--Nixery:Registry:RecentBuildLifetime=00:00:00");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Podman_runs_hello_from_the_flake_s_packages_which_shadow_legacy_packages()
    {
        var image = $"{_server.Host}/shell/hello";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);

            // legacyPackages' hello (default.nix) would say "Hello, world!".
            Assert.Equal("Hello from the flake!", (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "hello")).Trim());
            // busybox, from legacyPackages only, is there too.
            Assert.Equal("ok", (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "sh", "-c", "echo ok")).Trim());
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
        }
    }

    [Theory]
    [InlineData("sdl2")]
    [InlineData("1password")]
    [InlineData("python3packages.requests")]
    [InlineData("demopackages.tool")]
    public async Task Legacy_packages_are_found_by_case_leading_digit_and_dotted_path(string package)
    {
        var (status, _) = await ManifestAsync($"{package}/manifests/latest");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task An_unknown_package_is_the_usual_manifest_unknown_naming_it()
    {
        using var request = Request("no-such-package/manifests/latest");
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.Equal("MANIFEST_UNKNOWN", error.GetProperty("code").GetString());
        Assert.Contains("no-such-package", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_local_flake_is_pinned_by_its_content_so_the_second_pull_builds_nothing()
    {
        using var built = new EngineCounter(EngineCounter.ImagesBuilt);

        var (first, firstDigest) = await ManifestAsync("htop/manifests/latest");
        var (second, secondDigest) = await ManifestAsync("htop/manifests/latest");

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(firstDigest, secondDigest);
        Assert.Equal(1, built.Count);
    }

    private static HttpRequestMessage Request(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2/" + path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        return request;
    }

    private async Task<(HttpStatusCode Status, string? Digest)> ManifestAsync(string path)
    {
        using var request = Request(path);
        using var response = await _server.Client.SendAsync(request);
        return (response.StatusCode, response.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? digests.Single() : null);
    }
}
