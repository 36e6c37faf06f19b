using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Core.Nix;
using Nixery.Core.Sources;

namespace Nixery.Core.Tests.Sources;

public class FlakePackageSourceTests
{
    private const string Commit = "0123456789ABCDEF0123456789abcdef01234567";

    private static FlakePackageSource Source(string flake, string refPrefix = "") =>
        new(FlakeReference.Parse(flake), refPrefix, Options.Create(new NixOptions()), NullLogger<FlakePackageSource>.Instance);

    [Fact]
    public void Latest_renders_the_flake_as_configured_unpinned_until_locked_with_the_flake_features()
    {
        var reference = Source("github:owner/pkgs/stable").Resolve("latest");

        Assert.Equal(FlakePackageSource.Expression, reference.Expression);
        Assert.Equal(new Dictionary<string, string> { ["flake"] = "github:owner/pkgs/stable" }, reference.Arguments);
        Assert.False(reference.IsPinned);
        Assert.Equal(["nix-command", "flakes"], reference.ExperimentalFeatures);
        Assert.Equal("https://github.com/owner/pkgs", reference.Source);
        Assert.Null(reference.Revision);
    }

    [Fact]
    public void A_git_flake_s_tags_select_a_commit_or_a_ref_as_for_a_git_package_set()
    {
        var source = Source("git+https://example.org/pkgs.git?ref=main", "refs/tags/");

        var commit = source.Resolve(Commit);
        Assert.Equal("git+https://example.org/pkgs.git?rev=" + Commit.ToLowerInvariant(), commit.Arguments["flake"]);
        Assert.Equal(Commit.ToLowerInvariant(), commit.Revision);
        Assert.Equal("git+https://example.org/pkgs.git?ref=refs%2Ftags%2Fv2", source.Resolve("v2").Arguments["flake"]);
    }

    [Fact]
    public void Tags_select_nothing_in_a_flake_that_is_no_git_repository()
    {
        var source = Source("tarball+https://example.org/pkgs.tar.gz");

        Assert.Equal(source.Resolve("latest"), source.Resolve("v2"), new ReferenceComparer());
        Assert.Null(source.Resolve("latest").Source);
    }
}
