using Nixery.Testing;
using System.Formats.Tar;
using System.IO.Compression;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Core.Nix;
using Nixery.Core.Sources;

using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Nix;

/// <summary>The channel source against a tarball of the demo set served from loopback, like GitHub's archive URLs.</summary>
public sealed class ChannelPackageSourceTests(NixFixture fixture) : IClassFixture<NixFixture>
{
    /// <summary>The demo set as a channel tarball (also served to the standalone server by its settings tests).</summary>
    internal static byte[] DemoTarball()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            // One top-level directory, as GitHub archives have; fetchTarball strips it.
            TarFile.CreateFromDirectory(RepositoryRoot.DemoPackages, gzip, includeBaseDirectory: true);
        }
        return buffer.ToArray();
    }

    [Fact]
    public async Task Hello_resolves_from_a_channel_tarball_served_over_http()
    {
        // A fresh channel name each run: Nix caches unpinned tarball URLs for an hour.
        var channel = $"demo-{Guid.NewGuid():N}";
        await using var server = new TarballServer($"/{channel}.tar.gz", DemoTarball());
        var source = new ChannelPackageSource(channel, $"http://127.0.0.1:{server.Port}/{{0}}.tar.gz");

        var outcome = await fixture.CreateClient().BuildAsync(ImageRequest.Parse("hello", "latest"), source.Resolve("latest"));

        await using var closure = Assert.IsType<RealisedClosure>(outcome);
        var hello = Assert.Single(closure.Graph.TopLevel, p => StorePath.NameOf(p) == "hello-2.12.1");
        Assert.Equal("Hello, world!", Tools.Run(Path.Combine(hello, "bin", "hello"), []));
        Assert.True(server.Requests >= 1);
    }

    [Fact]
    public async Task A_channel_url_that_answers_404_is_an_evaluation_error_naming_the_url()
    {
        await using var server = new TarballServer("/only-this.tar.gz", [1, 2, 3]);
        var source = new ChannelPackageSource($"missing-{Guid.NewGuid():N}", $"http://127.0.0.1:{server.Port}/{{0}}.tar.gz");

        var failure = await Assert.ThrowsAsync<NixFailureException>(
            () => fixture.CreateClient().BuildAsync(ImageRequest.Parse("hello", "latest"), source.Resolve("latest")));

        Assert.Equal(NixFailureKind.Evaluation, failure.Kind);
        Assert.Contains(source.Url, failure.NixMessage);
    }
}
