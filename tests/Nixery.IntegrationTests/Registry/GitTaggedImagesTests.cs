using Nixery.Testing;
using System.Net;
using System.Text.Json;
using Nixery.IntegrationTests.Nix;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The standalone server on a git package source (NIXERY_PKGS_REPO): a repository made from a copy of the demo set
/// whose branch <c>other</c> changes <c>hello-message.txt</c>, so the image tag (a git ref) decides what hello says;
/// branch <c>feature/x</c> has a name that is no valid image tag.
/// </summary>
public sealed class GitTaggedImagesTests : IAsyncLifetime
{
    private const string OtherMessage = "Hello from the other branch!";
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-server-git-").FullName;
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        Tools.RequireGit();
        var work = Path.Combine(_directory, "repository");
        Tools.CommitDemoPackages(work);
        Git(work, "checkout", "-q", "-b", "other");
        await File.WriteAllTextAsync(Path.Combine(work, "hello-message.txt"), OtherMessage + "\n");
        Git(work, "commit", "-q", "-a", "-m", "another greeting");
        Git(work, "checkout", "-q", "main");
        Git(work, "branch", "feature/x");

        _server = await StandaloneServer.StartAsync(new Dictionary<string, string> { ["NIXERY_PKGS_REPO"] = new Uri(work).AbsoluteUri });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Git(string directory, params string[] arguments) => Tools.Git(directory, arguments);

    [Fact]
    public async Task Podman_runs_hello_from_two_git_refs_as_two_tags_printing_different_greetings()
    {
        var latest = $"{_server.Host}/hello:latest";
        var other = $"{_server.Host}/hello:other";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", latest);
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", other);

            Assert.Equal("Hello, world!", (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", latest, "hello")).Trim());
            Assert.Equal(OtherMessage, (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", other, "hello")).Trim());
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", latest, other);
        }
    }

    [Fact]
    public async Task Tag_list_offers_latest_and_the_branches_that_are_valid_tags_sorted_and_paged()
    {
        Assert.Equal(["latest", "main", "other"], await TagsAsync("/v2/shell/hello/tags/list"));
        Assert.Equal(["main"], await TagsAsync("/v2/shell/hello/tags/list?n=1&last=latest"));
        Assert.Equal(["other"], await TagsAsync("/v2/shell/hello/tags/list?n=1&last=main"));
    }

    private async Task<IReadOnlyList<string?>> TagsAsync(string path)
    {
        using var response = await _server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("shell/hello", json.RootElement.GetProperty("name").GetString());
        return [.. json.RootElement.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString())];
    }

    [Fact]
    public async Task The_index_page_names_the_git_repository_in_use()
    {
        var html = await _server.Client.GetStringAsync("/");

        Assert.Contains(new Uri(Path.Combine(_directory, "repository")).AbsoluteUri, html);
    }
}
