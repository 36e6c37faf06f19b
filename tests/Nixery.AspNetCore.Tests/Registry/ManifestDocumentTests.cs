using System.Text;
using Nixery.AspNetCore.Registry;

namespace Nixery.AspNetCore.Tests.Registry;

public sealed class ManifestDocumentTests
{
    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}}""", "application/vnd.oci.image.manifest.v1+json")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x"},"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}""", "application/vnd.docker.distribution.manifest.v2+json")]
    [InlineData("""{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", "application/vnd.oci.image.index.v1+json")]
    public void The_top_level_media_type_of_a_manifest_is_found(string json, string expected) =>
        Assert.Equal(expected, ManifestDocument.MediaTypeOf(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}""")]
    [InlineData("""{"config":{"mediaType":"application/vnd.oci.image.manifest.v1+json"}}""")]
    [InlineData("""{"mediaType":"application/vnd.oci.image.config.v1+json"}""")]
    [InlineData("""{"mediaType":2}""")]
    [InlineData("""[1,2]""")]
    [InlineData("\u001f\u008b\u0008 gzip bytes")]
    [InlineData("")]
    [InlineData("""{"mediaType":""")]
    public void Configs_layers_and_broken_json_are_not_manifests(string content) =>
        Assert.Null(ManifestDocument.MediaTypeOf(Encoding.Latin1.GetBytes(content)));
}
