using Nixery.Layering.Graphs;

namespace Nixery.Layering.Tests.Graphs;

public class DigraphTests
{
    [Fact]
    public void FromEdges_GroupsSuccessorsByNodeKeepingDuplicatesAndSelfLoops()
    {
        var g = Digraph.FromEdges(4, [(2, 1), (0, 3), (2, 2), (0, 1), (2, 1)]);

        Assert.Equal(4, g.NodeCount);
        Assert.Equal(5, g.EdgeCount);
        Assert.Equal([3, 1], g.Successors(0).ToArray());
        Assert.Empty(g.Successors(1).ToArray());
        Assert.Equal([1, 2, 1], g.Successors(2).ToArray());
        Assert.Empty(g.Successors(3).ToArray());
    }

    [Fact]
    public void FromEdges_RejectsEdgesOutsideTheNodeRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Digraph.FromEdges(2, [(0, 2)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Digraph.FromEdges(2, [(-1, 0)]));
    }

    [Fact]
    public void Reverse_ListsPredecessorsInAscendingOrder()
    {
        var g = Digraph.FromEdges(4, [(3, 0), (1, 0), (2, 3), (0, 0)]);

        var r = g.Reverse();

        Assert.Equal([0, 1, 3], r.Successors(0).ToArray());
        Assert.Empty(r.Successors(1).ToArray());
        Assert.Empty(r.Successors(2).ToArray());
        Assert.Equal([2], r.Successors(3).ToArray());
    }

    [Fact]
    public void WithExtraNode_AppendsANodeAndKeepsExistingNumbering()
    {
        var g = Digraph.FromEdges(3, [(0, 1), (1, 2)]);

        var withRoot = g.WithExtraNode([2, 0]);

        Assert.Equal(4, withRoot.NodeCount);
        Assert.Equal([1], withRoot.Successors(0).ToArray());
        Assert.Equal([2], withRoot.Successors(1).ToArray());
        Assert.Equal([2, 0], withRoot.Successors(3).ToArray());
        Assert.Equal(3, g.NodeCount); // the original is untouched
    }

    [Fact]
    public void WithExtraNode_AllowsEdgesToItselfButNotBeyond()
    {
        var g = Digraph.FromEdges(1, []);

        Assert.Equal([1], g.WithExtraNode([1]).Successors(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => g.WithExtraNode([2]));
    }
}
