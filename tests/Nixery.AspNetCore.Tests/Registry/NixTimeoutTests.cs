using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

/// <summary>A server of its own whose Nix calls may take three seconds; the demo's <c>slow-build</c> takes a minute.</summary>
[Collection(RegistryCollection.Name)]
public sealed class NixTimeoutTests : IAsyncLifetime
{
    private readonly RegistryServer _server = new() { NixTimeout = TimeSpan.FromSeconds(3) };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_nix_timeout_answers_422_with_a_message_that_says_so()
    {
        var started = DateTime.UtcNow;
        using var response = await _server.Client.GetAsync("/v2/slow-build/manifests/latest");
        var error = await AssertErrorAsync(response, 422, "UNKNOWN");
        Assert.Equal("timeout", error.GetProperty("detail").GetProperty("kind").GetString());
        Assert.Contains("did not finish in time", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the timeout did not stop the build");
    }
}
