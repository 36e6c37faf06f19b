using Nixery.Core.Sources;

namespace Nixery.Core.Tests.Sources;

public class ChannelPackageSourceTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void A_channel_name_renders_the_github_archive_url_and_is_not_pinned()
    {
        var reference = new ChannelPackageSource("nixos-unstable").Resolve("latest");

        Assert.Equal(ChannelPackageSource.Expression, reference.Expression);
        Assert.Equal(
            new Dictionary<string, string> { ["url"] = "https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz" },
            reference.Arguments);
        Assert.False(reference.IsPinned);
        Assert.Equal("tarball https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz", reference.Identity);
    }

    [Fact]
    public void A_commit_hash_channel_is_pinned()
    {
        var reference = new ChannelPackageSource(Commit).Resolve("latest");

        Assert.True(reference.IsPinned);
        Assert.Contains(Commit, reference.Identity);
    }

    [Fact]
    public void The_url_template_places_the_channel()
    {
        var reference = new ChannelPackageSource("abc", "http://127.0.0.1:8080/{0}.tar.gz").Resolve("latest");

        Assert.Equal("http://127.0.0.1:8080/abc.tar.gz", reference.Arguments["url"]);
        Assert.Contains("http://127.0.0.1:8080/abc.tar.gz", reference.Identity);
    }

    [Fact]
    public void The_image_tag_does_not_change_the_package_set()
    {
        var source = new ChannelPackageSource(Commit);

        Assert.Equal(source.Resolve("latest"), source.Resolve("other"), new ReferenceComparer());
    }

    [Fact]
    public void Identity_differs_between_mirrors_of_the_same_commit()
    {
        Assert.NotEqual(
            new ChannelPackageSource(Commit).Resolve("latest").Identity,
            new ChannelPackageSource(Commit, "https://mirror.example/{0}.tar.gz").Resolve("latest").Identity);
    }
}
