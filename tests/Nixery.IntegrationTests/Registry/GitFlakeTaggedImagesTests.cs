using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nixery.IntegrationTests.Nix;
using Nixery.IntegrationTests.Support;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The standalone server on a <c>git+file:</c> flake (NIXERY_FLAKE), offline: a repository of the demo flake with two
/// commits on <c>main</c>, the first tagged <c>v1</c> (with <c>refs/tags/</c> as the ref prefix), the second changing
/// the flake's hello. The image tag selects the revision; each pull locks it to its commit, so an image is cached under
/// that commit, whichever tag or commit names it, with recent builds off.
/// </summary>
public sealed class GitFlakeTaggedImagesTests : IAsyncLifetime
{
    private const string SecondGreeting = "Hello from the second commit!";
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-git-flake-").FullName;
    private string _url = null!;
    private string _first = null!;
    private string _second = null!;
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        Tools.RequireGit();
        var work = Path.Combine(_directory, "repository");
        _first = Tools.CommitDemoPackages(work);
        Tools.Git(work, "tag", "v1");
        var flake = Path.Combine(work, "flake.nix");
        await File.WriteAllTextAsync(flake, (await File.ReadAllTextAsync(flake)).Replace("Hello from the flake!", SecondGreeting, StringComparison.Ordinal));
        Tools.Git(work, "commit", "-q", "-a", "-m", "another greeting");
        _second = Tools.Git(work, "rev-parse", "HEAD");
        _url = new Uri(work).AbsoluteUri;

        _server = await StandaloneServer.StartAsync(
            new Dictionary<string, string> { ["NIXERY_FLAKE"] = "git+" + _url },
            "--Nixery:PackageSource:RefPrefix=refs/tags/",
            "--Nixery:Registry:RecentBuildLifetime=00:00:00");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Podman_runs_hello_of_the_tagged_revision_and_of_the_latest_commit()
    {
        var latest = $"{_server.Host}/shell/hello:latest";
        var tagged = $"{_server.Host}/shell/hello:v1";
        var commit = $"{_server.Host}/shell/hello:{_first}";
        try
        {
            foreach (var image in new[] { latest, tagged, commit })
                await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);

            Assert.Equal(SecondGreeting, (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", latest, "hello")).Trim());
            Assert.Equal("Hello from the flake!", (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", tagged, "hello")).Trim());
            Assert.Equal("Hello from the flake!", (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", commit, "hello")).Trim());
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", latest, tagged, commit);
        }
    }

    [Fact]
    public async Task An_image_is_cached_under_its_locked_commit_so_the_same_revision_by_another_name_builds_nothing()
    {
        using var built = new EngineCounter(EngineCounter.ImagesBuilt);

        var byTag = await DigestAsync("git/manifests/v1");
        var again = await DigestAsync("git/manifests/v1");
        var byCommit = await DigestAsync($"git/manifests/{_first}");
        Assert.Equal(1, built.Count);
        Assert.Equal(byTag, again);
        Assert.Equal(byTag, byCommit);

        var latest = await DigestAsync("git/manifests/latest");
        var secondByCommit = await DigestAsync($"git/manifests/{_second}");
        Assert.Equal(2, built.Count);
        // Same packages, another revision: the labels differ.
        Assert.NotEqual(byTag, latest);
        Assert.Equal(latest, secondByCommit);
    }

    [Fact]
    public async Task Skopeo_shows_the_locked_commit_and_its_time_as_revision_and_created_labels()
    {
        var output = await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--config", "--tls-verify=false", $"docker://{_server.Host}/hello:v1");
        using var json = JsonDocument.Parse(output);

        var seconds = long.Parse(Tools.Git(Path.Combine(_directory, "repository"), "show", "--no-patch", "--format=%ct", _first), CultureInfo.InvariantCulture);
        var created = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(created, json.RootElement.GetProperty("created").GetString());
        var labels = json.RootElement.GetProperty("config").GetProperty("Labels");
        Assert.Equal(_first, labels.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.Equal(created, labels.GetProperty("org.opencontainers.image.created").GetString());
        Assert.Equal(_url, labels.GetProperty("org.opencontainers.image.source").GetString());
    }

    [Fact]
    public async Task A_tag_naming_no_git_tag_is_an_unknown_manifest_as_for_a_git_package_set_with_the_lock_s_error()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/hello/manifests/no-such-tag");
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.Equal("MANIFEST_UNKNOWN", error.GetProperty("code").GetString());
        Assert.Contains("'no-such-tag' selects nothing in flake git+" + _url, error.GetProperty("message").GetString());
        Assert.Equal("no-such-tag", error.GetProperty("detail").GetProperty("tag").GetString());
        Assert.Contains("git", error.GetProperty("detail").GetProperty("nixMessage").GetString());
    }

    [Fact]
    public async Task Tag_list_offers_latest_and_the_git_tags()
    {
        var tags = await _server.Client.GetStringAsync("/v2/hello/tags/list");
        using var json = JsonDocument.Parse(tags);

        Assert.Equal(["latest", "v1"], json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    private async Task<string> DigestAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/" + path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }
}
