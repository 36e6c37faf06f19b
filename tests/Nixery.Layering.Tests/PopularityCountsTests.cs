using Nixery.Abstractions.Graph;
using static Nixery.Layering.Tests.StorePaths;

namespace Nixery.Layering.Tests;

public class PopularityCountsTests
{
    [Fact]
    public void Count_GivesEachNameTheNumberOfDistinctPathsReferringToIt_IgnoringSelfAndOutsideReferences()
    {
        string glibc = Of('a', "glibc-2.37"), bash = Of('b', "bash-5.2"), git = Of('c', "git-2.42"), outside = Of('d', "gone-1");
        var counts = PopularityCounts.Count(
        [
            Path(glibc, 1, glibc), Path(bash, 1, glibc, glibc), Path(git, 1, glibc, bash, outside), Path(git, 1, glibc),
        ]);

        Assert.Equal(new Dictionary<string, int> { ["bash-5.2"] = 1, ["git-2.42"] = 0, ["glibc-2.37"] = 2 }, counts);
    }

    [Fact]
    public void Count_AddsUpReferrersOfTwoPathsWithTheSameName()
    {
        string zlib1 = Of('a', "zlib-1.3"), zlib2 = Of('b', "zlib-1.3"), x = Of('c', "x-1"), y = Of('d', "y-1");

        var counts = PopularityCounts.Count([Path(zlib1, 1), Path(zlib2, 1), Path(x, 1, zlib1), Path(y, 1, zlib2, zlib1)]);

        Assert.Equal(2, counts["zlib-1.3"]);
    }

    [Fact]
    public void CountClosures_GivesEachNameTheNumberOfRootsWhoseClosureHoldsIt_OncePerRoot_NotCountingTheRootItself()
    {
        string glibc = Of('a', "glibc-2.37"), zlib1 = Of('b', "zlib-1.3"), zlib2 = Of('c', "zlib-1.3"),
            curl = Of('d', "curl-8"), git = Of('e', "git-2.42"), hello = Of('f', "hello-2"), outside = Of('g', "gone-1");
        StorePath[] paths =
        [
            Path(glibc, 1, glibc), Path(zlib1, 1, glibc), Path(zlib2, 1, glibc), Path(curl, 1, zlib1, glibc),
            Path(git, 1, curl, zlib2, outside), Path(hello, 1, glibc),
        ];

        // Roots git, curl, hello (and one not in the set): glibc is in all three closures, zlib in git's (twice) and curl's,
        // curl only in git's; git and hello in no other root's.
        var counts = PopularityCounts.CountClosures(paths, [git, curl, hello, outside, hello]);

        Assert.Equal(
            new Dictionary<string, int> { ["curl-8"] = 1, ["git-2.42"] = 0, ["glibc-2.37"] = 3, ["hello-2"] = 0, ["zlib-1.3"] = 2 }, counts);
    }
}
