using Nixery.Core.Sources;

namespace Nixery.Core.Tests.Sources;

public class PathPackageSourceTests
{
    [Fact]
    public void A_path_renders_its_absolute_path_and_is_never_pinned()
    {
        var reference = new PathPackageSource("/srv/pkgs/").Resolve("latest");

        Assert.Equal(PathPackageSource.Expression, reference.Expression);
        Assert.Equal(new Dictionary<string, string> { ["path"] = "/srv/pkgs" }, reference.Arguments);
        Assert.False(reference.IsPinned);
        Assert.Equal("path /srv/pkgs", reference.Identity);
    }

    [Fact]
    public void A_relative_path_is_made_absolute_because_nix_runs_elsewhere()
    {
        var reference = new PathPackageSource("demo/packages").Resolve("latest");

        Assert.Equal(Path.GetFullPath("demo/packages"), reference.Arguments["path"]);
    }

    [Fact]
    public void Tags_do_not_change_a_path_source()
    {
        var source = new PathPackageSource("/srv/pkgs");

        Assert.Equal(source.Resolve("latest"), source.Resolve("v2"), new ReferenceComparer());
    }
}
