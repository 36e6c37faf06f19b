using Microsoft.Extensions.Primitives;
using Nixery.AspNetCore.Registry;

namespace Nixery.AspNetCore.Tests.Registry;

public sealed class ManifestFormNegotiatorTests
{
    private const string Oci = "application/vnd.oci.image.manifest.v1+json";
    private const string Docker = "application/vnd.docker.distribution.manifest.v2+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";
    private const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";

    [Fact]
    public void No_accept_header_gets_docker_v2_schema_2() =>
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate(StringValues.Empty));

    [Fact]
    public void Empty_accept_lines_get_docker_v2_schema_2() =>
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate(new StringValues(["", " , "])));

    [Theory]
    [InlineData(Oci, nameof(ManifestForm.Oci))]
    [InlineData(Docker, nameof(ManifestForm.DockerV2))]
    [InlineData("APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON", nameof(ManifestForm.Oci))]
    public void A_single_listed_form_is_served(string accept, string expected) =>
        Assert.Equal(Enum.Parse<ManifestForm>(expected), ManifestFormNegotiator.Negotiate(accept));

    [Fact]
    public void The_first_form_listed_in_a_comma_list_wins()
    {
        Assert.Equal(ManifestForm.Oci, ManifestFormNegotiator.Negotiate($"{Oci}, {Docker}"));
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate($"{Docker},{Oci}"));
    }

    [Fact]
    public void The_first_form_listed_across_several_header_lines_wins()
    {
        Assert.Equal(ManifestForm.Oci, ManifestFormNegotiator.Negotiate(new StringValues([OciIndex, $"{Oci}, {DockerList}", Docker])));
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate(new StringValues([DockerList, Docker, Oci])));
    }

    [Fact]
    public void Types_we_do_not_serve_are_skipped()
    {
        Assert.Equal(ManifestForm.Oci, ManifestFormNegotiator.Negotiate($"{OciIndex}, {DockerList}, application/vnd.docker.distribution.manifest.v1+prettyjws, {Oci}"));
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate($"{OciIndex}, {DockerList}"));
    }

    [Fact]
    public void Quality_and_other_parameters_are_ignored_and_order_decides()
    {
        Assert.Equal(ManifestForm.Oci, ManifestFormNegotiator.Negotiate($"{Oci};q=0.5, {Docker};q=1.0"));
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate($" {Docker} ; charset=utf-8 ; q=0.1 , {Oci}"));
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("application/*")]
    [InlineData("*/*;q=0.8")]
    public void A_wildcard_accepts_anything_and_gets_the_default(string wildcard)
    {
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate(wildcard));
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate($"{wildcard}, {Oci}"));
        Assert.Equal(ManifestForm.Oci, ManifestFormNegotiator.Negotiate($"{Oci}, {wildcard}"));
    }

    [Fact]
    public void What_containerd_and_podman_send_gets_what_each_lists_first()
    {
        // containerd lists Docker's forms first; containers/image (podman, skopeo) lists OCI first.
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate($"{Docker}, {DockerList}, {Oci}, {OciIndex}, */*"));
        Assert.Equal(ManifestForm.Oci, ManifestFormNegotiator.Negotiate(new StringValues([Oci, Docker, "application/vnd.docker.distribution.manifest.v1+prettyjws", DockerList, OciIndex])));
    }

    [Fact]
    public void With_an_index_to_serve_the_oci_index_wins_wherever_it_is_listed()
    {
        Assert.Equal(ManifestForm.OciIndex, ManifestFormNegotiator.Negotiate(new StringValues([Oci, Docker, DockerList, OciIndex]), index: true));
        Assert.Equal(ManifestForm.OciIndex, ManifestFormNegotiator.Negotiate($"{Docker}, {DockerList}, {Oci}, {OciIndex}, */*", index: true));
        Assert.Equal(ManifestForm.OciIndex, ManifestFormNegotiator.Negotiate($"{OciIndex};q=0.1", index: true));
    }

    [Fact]
    public void With_an_index_to_serve_a_client_listing_only_docker_types_gets_the_manifest_list()
    {
        Assert.Equal(ManifestForm.DockerManifestList, ManifestFormNegotiator.Negotiate($"{Docker}, {DockerList}", index: true));
        Assert.Equal(ManifestForm.DockerManifestList, ManifestFormNegotiator.Negotiate(new StringValues([DockerList, Docker]), index: true));
    }

    [Theory]
    [InlineData(Oci, nameof(ManifestForm.Oci))]
    [InlineData(Docker + ", " + Oci, nameof(ManifestForm.DockerV2))]
    [InlineData("*/*", nameof(ManifestForm.DockerV2))]
    [InlineData("", nameof(ManifestForm.DockerV2))]
    public void With_an_index_to_serve_a_client_listing_no_index_type_gets_a_manifest(string accept, string expected) =>
        Assert.Equal(Enum.Parse<ManifestForm>(expected), ManifestFormNegotiator.Negotiate(accept, index: true));

    [Fact]
    public void Without_an_index_to_serve_index_types_are_still_skipped()
    {
        Assert.Equal(ManifestForm.Oci, ManifestFormNegotiator.Negotiate($"{OciIndex}, {Oci}", index: false));
        Assert.Equal(ManifestForm.DockerV2, ManifestFormNegotiator.Negotiate($"{DockerList}, {OciIndex}", index: false));
    }
}
