using Nixery.Abstractions.Requests;
using Nixery.Core.Sources;

namespace Nixery.Core.Tests.Sources;

public class CacheKeyTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void Unpinned_sources_have_no_cache_key()
    {
        var request = ImageRequest.Parse("hello", "latest");

        Assert.Null(new GitPackageSource("file:///repo").Resolve("main").CacheKey(request));
        Assert.Null(new GitPackageSource("file:///repo").Resolve("latest").CacheKey(request));
        Assert.Null(new PathPackageSource("/srv/pkgs").Resolve("latest").CacheKey(request));
        Assert.Null(new ChannelPackageSource("nixos-unstable").Resolve("latest").CacheKey(request));
    }

    [Fact]
    public void Pinned_sources_have_a_stable_cache_key()
    {
        var request = ImageRequest.Parse("hello", Commit);

        var first = new GitPackageSource("file:///repo").Resolve(Commit).CacheKey(request);
        var second = new GitPackageSource("file:///repo").Resolve(Commit).CacheKey(request);

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.NotNull(new ChannelPackageSource(Commit).Resolve("latest").CacheKey(request));
    }

    [Fact]
    public void The_architecture_changes_the_cache_key()
    {
        var reference = new GitPackageSource("file:///repo").Resolve(Commit);

        Assert.NotEqual(
            reference.CacheKey(ImageRequest.Parse("hello", Commit)),
            reference.CacheKey(ImageRequest.Parse("arm64/hello", Commit)));
    }

    [Fact]
    public void Package_order_does_not_change_the_cache_key()
    {
        var reference = new ChannelPackageSource(Commit).Resolve("latest");

        Assert.Equal(
            reference.CacheKey(ImageRequest.Parse("git/htop", "latest")),
            reference.CacheKey(ImageRequest.Parse("htop/git", "latest")));
    }

    [Fact]
    public void Different_packages_change_the_cache_key()
    {
        var reference = new ChannelPackageSource(Commit).Resolve("latest");

        Assert.NotEqual(
            reference.CacheKey(ImageRequest.Parse("git", "latest")),
            reference.CacheKey(ImageRequest.Parse("htop", "latest")));
    }

    [Fact]
    public void Different_commits_and_repositories_change_the_cache_key()
    {
        var request = ImageRequest.Parse("hello", "latest");
        var other = Commit.Replace('0', 'f');

        var keys = new[]
        {
            new GitPackageSource("file:///repo").Resolve(Commit).CacheKey(request),
            new GitPackageSource("file:///repo").Resolve(other).CacheKey(request),
            new GitPackageSource("file:///elsewhere").Resolve(Commit).CacheKey(request),
            new ChannelPackageSource(Commit).Resolve("latest").CacheKey(request),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }
}
