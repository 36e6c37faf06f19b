using System.Text.Json;
using Nixery.IntegrationTests.Nix;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// A real client reads the tag list ("Listing Tags"): skopeo list-tags against the standalone server on a git package
/// source with more tags than one page holds (<c>Nixery:Registry:MaxTagsPerPage=2</c>), so skopeo must follow the
/// <c>Link: &lt;…&gt;; rel="next"</c> headers to see every tag.
/// </summary>
public sealed class SkopeoListTagsTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-skopeo-tags-").FullName;
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        Tools.RequireGit();
        ExternalTool.Require("skopeo");
        var work = Path.Combine(_directory, "repository");
        Tools.CommitDemoPackages(work);
        foreach (var branch in new[] { "v1", "v2", "v3", "feature/x" }) Tools.Git(work, "branch", branch);
        _server = await StandaloneServer.StartAsync(
            new Dictionary<string, string> { ["NIXERY_PKGS_REPO"] = new Uri(work).AbsoluteUri },
            "--Nixery:Registry:MaxTagsPerPage=2");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Skopeo_list_tags_follows_the_Link_pages_and_gets_every_valid_tag_once_in_lexical_order()
    {
        // Shown first with plain HTTP: one request gets only a page, so the complete list below is skopeo's paging.
        using var firstPage = await _server.Client.GetAsync("/v2/shell/hello/tags/list");
        Assert.Equal("</v2/shell/hello/tags/list?n=2&last=main>; rel=\"next\"", Assert.Single(firstPage.Headers.GetValues("Link")));

        var output = await ExternalTool.RunCheckedAsync("skopeo", "list-tags", "--tls-verify=false", $"docker://{_server.Host}/shell/hello");

        using var json = JsonDocument.Parse(output);
        Assert.Equal(["latest", "main", "v1", "v2", "v3"], json.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
    }
}
