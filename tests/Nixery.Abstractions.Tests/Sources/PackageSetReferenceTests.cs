using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;

namespace Nixery.Abstractions.Tests.Sources;

public class PackageSetReferenceTests
{
    private static PackageSetReference Pinned(string identity) =>
        new("git", new Dictionary<string, string>(), identity, IsPinned: true);

    [Fact]
    public void A_set_needs_no_experimental_features_unless_it_says_so_and_they_do_not_change_its_key()
    {
        var plain = Pinned("flake git+file:///r?rev=1");
        var flake = plain with { ExperimentalFeatures = ["nix-command", "flakes"] };
        var request = ImageRequest.Parse("hello", null);

        Assert.Empty(plain.ExperimentalFeatures);
        Assert.Equal(plain.BuildKey(request), flake.BuildKey(request));
    }

    [Fact]
    public void An_unpinned_package_set_gives_no_cache_key()
    {
        var reference = new PackageSetReference("path", new Dictionary<string, string>(), "path /x", IsPinned: false);
        Assert.Null(reference.CacheKey(ImageRequest.Parse("hello", null)));
    }

    [Fact]
    public void The_cache_key_depends_on_architecture_packages_and_package_set_but_not_on_name_order()
    {
        var set = Pinned("git file:///r rev 1");
        var key = set.CacheKey(ImageRequest.Parse("git/hello", null));
        Assert.Equal(key, set.CacheKey(ImageRequest.Parse("hello/git", null)));
        Assert.NotEqual(key, set.CacheKey(ImageRequest.Parse("arm64/git/hello", null)));
        Assert.NotEqual(key, set.CacheKey(ImageRequest.Parse("git", null)));
        Assert.NotEqual(key, Pinned("git file:///r rev 2").CacheKey(ImageRequest.Parse("git/hello", null)));
    }

    [Fact]
    public void A_non_root_image_has_another_build_key_than_the_root_image_of_the_same_packages()
    {
        var set = Pinned("git file:///r rev 1");
        var root = set.BuildKey(ImageRequest.Parse("hello", null));
        Assert.NotEqual(root, set.BuildKey(ImageRequest.Parse("nonroot/hello", null)));
        Assert.Equal(set.BuildKey(ImageRequest.Parse("nonroot/git/hello", null)), set.BuildKey(ImageRequest.Parse("nonroot/hello/git", null)));
        Assert.Equal(root, set.CacheKey(ImageRequest.Parse("hello", null)));
    }
}
