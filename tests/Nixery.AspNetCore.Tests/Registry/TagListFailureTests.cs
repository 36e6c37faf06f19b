using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nixery.AspNetCore.Tests.Support;

namespace Nixery.AspNetCore.Tests.Registry;

/// <summary>A server of its own on a git package source whose repository does not exist, so listing its refs fails.</summary>
[Collection(RegistryCollection.Name)]
public sealed class TagListFailureTests : IAsyncLifetime
{
    private readonly RegistryServer _server = new()
    {
        GitRepositoryUrl = new Uri(Path.Combine(Path.GetTempPath(), $"nixery-no-such-repository-{Guid.NewGuid():N}")).AbsoluteUri,
    };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task An_unreachable_git_repository_answers_200_with_only_latest_and_logs_a_warning()
    {
        using var response = await _server.Client.GetAsync("/v2/shell/hello/tags/list");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["latest"], json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var warning = Assert.Single(_server.Logs.Records, r =>
            r.Category.EndsWith("RegistryEndpoints", StringComparison.Ordinal) && r.Level == LogLevel.Warning);
        Assert.Equal("shell/hello", warning.Properties["Image"]);
        Assert.Contains(_server.GitRepositoryUrl!, (string)warning.Properties["PackageSource"]!, StringComparison.Ordinal);
    }
}
