using Nixery.Abstractions.Graph;
using Nixery.Layering.Graphs;
using static Nixery.Layering.Tests.StorePaths;

namespace Nixery.Layering.Tests.Graphs;

public class StorePathGraphTests
{
    private static readonly string A = Of('a', "a-1.0");
    private static readonly string B = Of('b', "b-1.0");
    private static readonly string C = Of('c', "c-1.0");
    private static readonly string Missing = Of('m', "missing-1.0");

    [Fact]
    public void Build_NumbersPathsInOrdinalOrderWithTheirSizes()
    {
        var g = StorePathGraph.Build(new RuntimeGraph([Path(C, 3), Path(A, 1), Path(B, 2)], [C]));

        Assert.Equal([A, B, C], g.Paths.ToArray());
        Assert.Equal([1L, 2L, 3L], g.NarSizes.ToArray());
        Assert.Equal(1, g.IndexOf(B));
        Assert.Equal(-1, g.IndexOf(Missing));
    }

    [Fact]
    public void Build_DropsSelfReferencesUnknownReferencesAndDuplicates_AndSortsReferences()
    {
        var g = StorePathGraph.Build(new RuntimeGraph(
            [Path(A, 1, A, C, Missing, B, C), Path(B, 1, B), Path(C, 1)],
            [A]));

        Assert.Equal([1, 2], g.References.Successors(0).ToArray());
        Assert.Empty(g.References.Successors(1).ToArray());
        Assert.Equal(2, g.References.EdgeCount);
    }

    [Fact]
    public void Build_KeepsOnlyKnownTopLevelPaths_SortedWithoutDuplicates()
    {
        var g = StorePathGraph.Build(new RuntimeGraph([Path(A, 1), Path(B, 1), Path(C, 1)], [C, Missing, A, C]));

        Assert.Equal([0, 2], g.TopLevel.ToArray());
    }

    [Fact]
    public void Build_RejectsAPathListedTwice()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            StorePathGraph.Build(new RuntimeGraph([Path(A, 1), Path(B, 1), Path(A, 2)], [A])));
        Assert.Contains(A, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RejectsANegativeSize()
    {
        Assert.Throws<ArgumentException>(() => StorePathGraph.Build(new RuntimeGraph([Path(A, -1)], [A])));
    }

    [Fact]
    public void Build_GivesTheSameGraphForAnyInputOrder()
    {
        var one = StorePathGraph.Build(new RuntimeGraph([Path(A, 1, B, C), Path(B, 2, C), Path(C, 3)], [A, B]));
        var two = StorePathGraph.Build(new RuntimeGraph([Path(C, 3), Path(B, 2, C), Path(A, 1, C, B)], [B, A]));

        Assert.Equal(one.Paths.ToArray(), two.Paths.ToArray());
        Assert.Equal(one.NarSizes.ToArray(), two.NarSizes.ToArray());
        Assert.Equal(one.TopLevel.ToArray(), two.TopLevel.ToArray());
        for (var i = 0; i < one.NodeCount; i++)
        {
            Assert.Equal(one.References.Successors(i).ToArray(), two.References.Successors(i).ToArray());
        }
    }
}
