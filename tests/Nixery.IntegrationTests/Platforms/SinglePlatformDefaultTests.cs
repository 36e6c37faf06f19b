using System.Net;
using Nixery.IntegrationTests.Registry;
using static Nixery.Abstractions.Oci.MediaTypes;
using static Nixery.IntegrationTests.Platforms.RegistryManifests;

namespace Nixery.IntegrationTests.Platforms;

/// <summary>Without <c>Nixery:Platforms</c>, nothing changes: even a client that lists the index gets one manifest.</summary>
public sealed class SinglePlatformDefaultTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    [Fact]
    public async Task The_default_configuration_answers_a_plain_manifest_of_the_hosts_platform_to_a_client_that_lists_the_index()
    {
        var answer = await FetchAsync(fixture.Server.Client, "hello", "latest", PodmanAccept);

        Assert.Equal((HttpStatusCode.OK, OciManifest), (answer.Status, answer.MediaType));
        Assert.Equal("amd64", (await ConfigAsync(fixture.Server.Client, "hello", answer.Json)).GetProperty("architecture").GetString());
    }
}
