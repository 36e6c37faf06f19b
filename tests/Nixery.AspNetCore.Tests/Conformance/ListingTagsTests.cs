using System.Net;
using System.Text.Json;
using Nixery.AspNetCore.Tests.Support;
using Nixery.IntegrationTests.Nix;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Conformance;

/// <summary>
/// Distribution-spec 1.1, "Listing Tags", end-8a and end-8b: <c>GET /v2/&lt;name&gt;/tags/list</c> with <c>n</c>,
/// <c>last</c> and the <c>Link</c> header, on a server of its own whose git package source has the branches
/// <c>D</c>, <c>a</c>, <c>b</c>, <c>c</c>, <c>main</c> and <c>feature/x</c> (no valid tag), and at most 4 tags a page
/// (<c>Nixery:Registry:MaxTagsPerPage</c>). Its tags, in lexical (ordinal) order: D a b c latest main.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ListingTagsTests : IAsyncLifetime
{
    private readonly string _repository = Directory.CreateTempSubdirectory("nixery-listing-tags-").FullName;
    private RegistryServer _server = null!;

    public async Task InitializeAsync()
    {
        Tools.RequireGit();
        var work = Path.Combine(_repository, "work");
        Tools.CommitDemoPackages(work);
        foreach (var branch in new[] { "D", "a", "b", "c", "feature/x" }) Tools.Git(work, "branch", branch);
        _server = new RegistryServer { GitRepositoryUrl = new Uri(work).AbsoluteUri, MaxTagsPerPage = 4 };
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_repository, recursive: true);
    }

    [Fact]
    public async Task Without_n_a_page_is_MaxTagsPerPage_long_and_its_Link_rel_next_leads_to_the_rest_in_lexical_order()
    {
        var first = await TagsAsync("/v2/hello/tags/list");
        Assert.Equal(["D", "a", "b", "c"], first.Tags);
        Assert.Equal("</v2/hello/tags/list?n=4&last=c>; rel=\"next\"", first.Link);

        var link = first.Link!;
        var next = await TagsAsync(link[1..link.IndexOf('>', StringComparison.Ordinal)]);
        Assert.Equal(["latest", "main"], next.Tags);
        Assert.Null(next.Link);
    }

    [Fact]
    public async Task N_limits_the_page_to_n_tags_and_a_Link_is_included_while_more_remain()
    {
        var page = await TagsAsync("/v2/hello/tags/list?n=2");

        Assert.Equal(["D", "a"], page.Tags);
        Assert.Equal("</v2/hello/tags/list?n=2&last=a>; rel=\"next\"", page.Link);
    }

    [Fact]
    public async Task N_above_MaxTagsPerPage_gets_fewer_tags_only_with_a_Link()
    {
        var page = await TagsAsync("/v2/hello/tags/list?n=100");

        Assert.Equal(["D", "a", "b", "c"], page.Tags);
        Assert.Equal("</v2/hello/tags/list?n=4&last=c>; rel=\"next\"", page.Link);
    }

    [Theory]
    [InlineData("last=b", new[] { "c", "latest", "main" })]
    [InlineData("n=2&last=b", new[] { "c", "latest" })]
    [InlineData("n=2&last=latest", new[] { "main" })]
    [InlineData("last=main", new string[0])]
    [InlineData("last=bb", new[] { "c", "latest", "main" })]
    public async Task Last_starts_the_list_after_that_tag_not_including_it(string query, string[] expected)
    {
        var page = await TagsAsync($"/v2/hello/tags/list?{query}");

        Assert.Equal(expected, page.Tags);
        Assert.Equal(query == "n=2&last=b", page.Link is not null);
    }

    [Fact]
    public async Task N_zero_is_an_empty_list_without_a_Link()
    {
        var page = await TagsAsync("/v2/hello/tags/list?n=0");

        Assert.Empty(page.Tags);
        Assert.Null(page.Link);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("%2B2")]
    [InlineData("%203")]
    [InlineData("99999999999")]
    public async Task An_n_that_is_not_a_whole_number_from_0_is_400_PAGINATION_NUMBER_INVALID_naming_it(string n)
    {
        using var response = await _server.Client.GetAsync($"/v2/hello/tags/list?n={n}");

        var error = await AssertErrorAsync(response, 400, "PAGINATION_NUMBER_INVALID");
        Assert.Contains($"n='{Uri.UnescapeDataString(n)}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_outside_the_grammar_is_404_NAME_INVALID()
    {
        using var response = await _server.Client.GetAsync("/v2/HELLO/tags/list");

        var error = await AssertErrorAsync(response, 404, "NAME_INVALID");
        Assert.Contains("'HELLO'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    // "Pulling manifests": a tag the source does not list is a manifest the registry does not have, not a failed build.
    [Fact]
    public async Task A_tag_not_in_the_list_is_404_MANIFEST_UNKNOWN_naming_it_and_a_listed_one_is_200()
    {
        using var missing = await _server.Client.GetAsync("/v2/hello/manifests/nosuchbranch");
        var error = await AssertErrorAsync(missing, 404, "MANIFEST_UNKNOWN");
        Assert.Contains("'nosuchbranch'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("/v2/hello/tags/list", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("nosuchbranch", error.GetProperty("detail").GetProperty("tag").GetString());

        using var head = await _server.Client.SendAsync(Request(HttpMethod.Head, "/v2/hello/manifests/nosuchbranch"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);

        using var listed = await _server.Client.SendAsync(Request(HttpMethod.Head, "/v2/hello/manifests/b", Oci));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    private async Task<(IReadOnlyList<string?> Tags, string? Link)> TagsAsync(string path)
    {
        using var response = await _server.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("hello", json.RootElement.GetProperty("name").GetString());
        var link = response.Headers.TryGetValues("Link", out var values) ? Assert.Single(values) : null;
        return ([.. json.RootElement.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString())], link);
    }
}
