using System.Net;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Conformance;

/// <summary>
/// Distribution-spec 1.1, "Pulling manifests" ("If the manifest is not found in the repository, the response code MUST
/// be 404"), with <c>Nixery:Registry:OnlyListedTags</c>: a server of its own on the demo path source, which lists only
/// <c>latest</c>, so every other tag is not found, as the official suite's "missing manifest by tag" check expects.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class OnlyListedTagsTests : IAsyncLifetime
{
    private readonly RegistryServer _server = new() { OnlyListedTags = true };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_tag_other_than_the_listed_latest_is_404_MANIFEST_UNKNOWN_naming_it_without_a_build()
    {
        var before = _server.Nix.Calls;

        using var response = await _server.Client.GetAsync("/v2/hello/manifests/missing-abcdef");

        var error = await AssertErrorAsync(response, 404, "MANIFEST_UNKNOWN");
        Assert.Contains("'missing-abcdef'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("missing-abcdef", error.GetProperty("detail").GetProperty("tag").GetString());
        Assert.Equal(before, _server.Nix.Calls);
    }

    [Fact]
    public async Task Latest_is_still_served()
    {
        using var response = await _server.Client.SendAsync(Request(HttpMethod.Head, "/v2/hello/manifests/latest", Oci));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
