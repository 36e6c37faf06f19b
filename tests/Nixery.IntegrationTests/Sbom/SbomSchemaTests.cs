using System.Text.Json.Nodes;
using Nixery.IntegrationTests.Registry;

namespace Nixery.IntegrationTests.Sbom;

/// <summary>The SBOM of an image built by the standalone server, checked against the published CycloneDX 1.5 JSON schema.</summary>
public sealed class SbomSchemaTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private readonly HttpClient _client = fixture.Server.Client;

    [Fact]
    public async Task The_sbom_of_a_built_image_is_valid_cyclonedx_1_5()
    {
        var sbom = JsonNode.Parse(await RegistrySbom.SbomAsync(_client, "shell/hello"))!;

        Assert.Empty(CycloneDxSchema.Errors(sbom));
        Assert.Equal("1.5", sbom["specVersion"]!.GetValue<string>());
        Assert.True(sbom["components"]!.AsArray().Count >= 3);
    }

    [Fact]
    public async Task The_schema_rejects_the_same_sbom_with_an_undefined_component_type_or_a_timestamp_that_is_no_date()
    {
        var bytes = await RegistrySbom.SbomAsync(_client, "shell/hello");
        var badType = JsonNode.Parse(bytes)!;
        badType["components"]![0]!["type"] = "store-path";
        var badTimestamp = JsonNode.Parse(bytes)!;
        badTimestamp["metadata"]!["timestamp"] = "yesterday";

        Assert.Contains(CycloneDxSchema.Errors(badType), error => error.Contains("/components/0/type", StringComparison.Ordinal));
        Assert.Contains(CycloneDxSchema.Errors(badTimestamp), error => error.Contains("/metadata/timestamp", StringComparison.Ordinal));
    }
}
