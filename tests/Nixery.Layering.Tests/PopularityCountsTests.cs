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
}
