using Nixery.AspNetCore.Registry;

namespace Nixery.AspNetCore.Tests.Registry;

public sealed class RegistryPathTests
{
    [Theory]
    [InlineData("hello/manifests/latest", nameof(RegistryRouteKind.Manifest), "hello", "latest")]
    [InlineData("shell/git/htop/manifests/v1", nameof(RegistryRouteKind.Manifest), "shell/git/htop", "v1")]
    [InlineData("a/manifests/b/manifests/sha256:00", nameof(RegistryRouteKind.Manifest), "a/manifests/b", "sha256:00")]
    [InlineData("shell/blobs/sha256:ab", nameof(RegistryRouteKind.Blob), "shell", "sha256:ab")]
    [InlineData("shell/hello/tags/list", nameof(RegistryRouteKind.TagList), "shell/hello", "")]
    [InlineData("shell/hello/referrers/sha256:ab", nameof(RegistryRouteKind.Referrers), "shell/hello", "sha256:ab")]
    [InlineData("a//b/manifests/latest", nameof(RegistryRouteKind.Manifest), "a//b", "latest")]
    public void Names_with_slashes_are_split_from_the_end(string path, string kind, string name, string reference) =>
        Assert.Equal(new RegistryPath(Enum.Parse<RegistryRouteKind>(kind), name, reference), RegistryPath.Parse(path));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("manifests/latest")]
    [InlineData("hello/manifests/")]
    [InlineData("hello/tags/other")]
    [InlineData("hello/blobs/uploads/")]
    [InlineData("_catalog")]
    public void Paths_that_address_nothing_are_unknown(string? path) =>
        Assert.Equal(RegistryRouteKind.Unknown, RegistryPath.Parse(path).Kind);
}
