using Nixery.Layering.Graphs;

namespace Nixery.Layering.Tests.Graphs;

public class DominatorTreeTests
{
    [Fact]
    public void Compute_FindsTheDominatorsOfTheLengauerTarjanPaperExample()
    {
        // The flow graph of Lengauer and Tarjan (1979), figure 1, with R..L numbered 0..12.
        const string names = "RABCDEFGHIJKL";
        int N(char c) => names.IndexOf(c, StringComparison.Ordinal);
        var edges = new List<(int, int)>();
        foreach (var (from, tos) in new[]
        {
            ('R', "ABC"), ('A', "D"), ('B', "ADE"), ('C', "FG"), ('D', "L"), ('E', "H"), ('F', "I"),
            ('G', "IJ"), ('H', "EK"), ('I', "K"), ('J', "I"), ('K', "IR"), ('L', "H"),
        })
        {
            edges.AddRange(tos.Select(t => (N(from), N(t))));
        }

        var tree = DominatorTree.Compute(Digraph.FromEdges(names.Length, edges), N('R'));

        var idoms = names[1..].Select(c => names[tree.ImmediateDominator(N(c))]);
        // A  B  C  D  E  F  G  H  I  J  K  L
        Assert.Equal("RRRRRCCRRGRD", string.Concat(idoms));
        Assert.Equal(-1, tree.ImmediateDominator(N('R')));
    }

    [Fact]
    public void Compute_LeavesUnreachableNodesWithoutDominator()
    {
        // 0 -> 1; 2 -> 1 and 2 -> 3 but nothing reaches 2.
        var tree = DominatorTree.Compute(Digraph.FromEdges(4, [(0, 1), (2, 1), (2, 3)]), 0);

        Assert.Equal(0, tree.ImmediateDominator(1));
        Assert.Equal(-1, tree.ImmediateDominator(2));
        Assert.Equal(-1, tree.ImmediateDominator(3));
        Assert.False(tree.IsReachable(2));
        Assert.False(tree.Dominates(2, 3));
        Assert.False(tree.Dominates(0, 3));
        Assert.Equal([0, 1], tree.ReachableInPreorder.ToArray());
        Assert.Equal([1], tree.Children(0).ToArray());
    }

    [Fact]
    public void Compute_OnACycleThroughTheRoot_EachNodeIsDominatedByItsPredecessorOnTheCycle()
    {
        var tree = DominatorTree.Compute(Digraph.FromEdges(3, [(0, 1), (1, 2), (2, 0), (2, 2)]), 0);

        Assert.Equal(0, tree.ImmediateDominator(1));
        Assert.Equal(1, tree.ImmediateDominator(2));
    }

    [Fact]
    public void Compute_OnADeepChain_DoesNotOverflowTheStack()
    {
        // A recursive depth-first search or path compression would need 300,000 frames here.
        const int n = 300_000;
        var edges = new List<(int, int)>(n);
        for (var i = 0; i + 1 < n; i++)
        {
            edges.Add((i, i + 1));
        }

        edges.Add((n - 1, 0));
        var tree = DominatorTree.Compute(Digraph.FromEdges(n, edges), 0);

        Assert.Equal(n - 2, tree.ImmediateDominator(n - 1));
        Assert.Equal(n, tree.ReachableInPreorder.Length);
    }

    [Fact]
    public void Compute_RejectsARootOutsideTheGraph()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DominatorTree.Compute(Digraph.FromEdges(2, []), 2));
    }

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 0; seed < 20; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compute_AgreesWithBruteForceOnRandomGraphsWithCyclesAndUnreachableNodes(int seed)
    {
        // 20 seeds x 30 graphs = 600 graphs, from trees with few edges (many unreachable nodes) to dense tangles.
        var random = new Random(seed);
        for (var round = 0; round < 30; round++)
        {
            var n = random.Next(1, 40);
            var edgeCount = random.Next(0, n * (1 + round % 4));
            var edges = new List<(int, int)>(edgeCount);
            for (var e = 0; e < edgeCount; e++)
            {
                edges.Add((random.Next(n), random.Next(n)));
            }

            var graph = Digraph.FromEdges(n, edges);
            var root = random.Next(n);

            AssertMatchesBruteForce(graph, root, DominatorTree.Compute(graph, root));
        }
    }

    private static void AssertMatchesBruteForce(Digraph graph, int root, DominatorTree tree)
    {
        var n = graph.NodeCount;
        var reachable = Reach(graph, root, removed: -1);

        // dominates[d][v]: v is reachable, and removing d (d != root) cuts it off from the root.
        var dominates = new bool[n][];
        for (var d = 0; d < n; d++)
        {
            var without = d == root ? null : Reach(graph, root, removed: d);
            dominates[d] = new bool[n];
            for (var v = 0; v < n; v++)
            {
                dominates[d][v] = reachable[v] && (d == root || d == v || !without![v]);
            }
        }

        for (var v = 0; v < n; v++)
        {
            Assert.Equal(reachable[v], tree.IsReachable(v));
            for (var d = 0; d < n; d++)
            {
                Assert.Equal(dominates[d][v], tree.Dominates(d, v));
            }

            // The immediate dominator is the strict dominator that all other strict dominators dominate.
            var strict = Enumerable.Range(0, n).Where(d => d != v && dominates[d][v]).ToList();
            var expected = strict.SingleOrDefault(s => strict.All(t => dominates[t][s]), -1);
            Assert.Equal(expected, tree.ImmediateDominator(v));
            if (v != root && reachable[v])
            {
                Assert.NotEqual(-1, expected);
                Assert.Contains(v, tree.Children(expected).ToArray());
            }
        }

        Assert.Equal(reachable.Count(r => r), tree.ReachableInPreorder.Length);
    }

    private static bool[] Reach(Digraph graph, int root, int removed)
    {
        var seen = new bool[graph.NodeCount];
        if (root == removed)
        {
            return seen;
        }

        var stack = new Stack<int>([root]);
        seen[root] = true;
        while (stack.TryPop(out var v))
        {
            foreach (var w in graph.Successors(v))
            {
                if (w != removed && !seen[w])
                {
                    seen[w] = true;
                    stack.Push(w);
                }
            }
        }

        return seen;
    }
}
