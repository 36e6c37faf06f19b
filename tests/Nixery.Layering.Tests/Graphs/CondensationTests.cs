using Nixery.Layering.Graphs;

namespace Nixery.Layering.Tests.Graphs;

public class CondensationTests
{
    [Fact]
    public void Compute_ContractsEachCycle_AndNumbersComponentsSoEveryEdgeGoesDown()
    {
        // 0 -> 1 -> 2 -> 1 (cycle {1,2}), 2 -> 3, 4 alone, 4 -> 4 (self-loop)
        var graph = Digraph.FromEdges(5, [(0, 1), (1, 2), (2, 1), (2, 3), (4, 4)]);

        var condensation = Condensation.Compute(graph);

        Assert.Equal(4, condensation.ComponentCount);
        Assert.False(condensation.IsTrivial);
        Assert.Equal(condensation.ComponentOf(1), condensation.ComponentOf(2));
        Assert.Equal([1, 2], condensation.Members(condensation.ComponentOf(1)).ToArray());
        for (var c = 0; c < condensation.ComponentCount; c++)
        {
            foreach (var d in condensation.Dag.Successors(c))
            {
                Assert.True(d < c, $"edge {c}->{d} goes up");
            }
        }
    }

    [Fact]
    public void Compute_OnADeepChain_DoesNotOverflowTheStack()
    {
        const int n = 200_000;
        var graph = Digraph.FromEdges(n, Enumerable.Range(0, n - 1).Select(i => (i, i + 1)).Append((n - 1, 0)).ToList());

        var condensation = Condensation.Compute(graph);

        Assert.Equal(1, condensation.ComponentCount);
    }
}
