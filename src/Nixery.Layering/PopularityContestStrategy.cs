using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Layering.Graphs;

namespace Nixery.Layering;

/// <summary>
/// nixpkgs' <c>dockerTools.buildLayeredImage</c> layering (<c>referencesByPopularity</c>, the "popularity
/// contest"): paths are ranked by a score computed from the closure alone, the <c>budget - 1</c> highest get a
/// layer each, lowest layer first, and all the others share the last layer.
/// </summary>
/// <remarks>
/// <para>
/// The score of a path sums, over the path itself and every path that depends on it transitively, the number
/// of distinct reference chains from a root of the closure (a path nothing else in the closure refers to) to
/// that path. This is what nixpkgs' <c>closure-graph.py</c> computes by unfolding the graph into a tree and
/// merging counters bottom-up; its worked example (A→B, A→G, B→C, B→E, C→D, C→E, D→F, E→F) gives
/// A 1, B 2, C 3, D 4, E 5, F 9, G 2.
/// </para>
/// <para>
/// Ties are broken like nixpkgs: by the path with its hash moved to the end (<c>name-…-/nix/store/hash</c>),
/// ordinally, so equally popular paths come in name order. Counts that would overflow 128 bits saturate.
/// The contest is defined for acyclic closures; a cycle (possible in package graphs that are not Nix's)
/// is contracted first, its paths sharing one score and, when ranked among the first, one layer.
/// Popularity data from the context is not used: nixpkgs has none.
/// </para>
/// </remarks>
public sealed class PopularityContestStrategy : ILayerStrategy
{
    /// <summary>The name used in configuration and benchmarks.</summary>
    public const string StrategyName = "nixpkgs-popularity";

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        LayerPlans.CheckArguments(graph, context);
        var paths = StorePathGraph.Build(graph);
        var n = paths.NodeCount;
        if (n == 0)
        {
            return new LayerPlan([]);
        }

        var condensation = Condensation.Compute(paths.References);
        var ranking = Rank(paths, condensation);
        var layerOf = new int[n];
        var last = context.Budget - 1;
        for (var r = 0; r < ranking.Length; r++)
        {
            var layer = ranking.Length <= context.Budget ? r : Math.Min(r, last);
            foreach (var v in condensation.Members(ranking[r]))
            {
                layerOf[v] = layer;
            }
        }

        return LayerPlans.FromAssignment(paths, layerOf, ranking.Length);
    }

    /// <summary>The contest's scores, per store path (members of a cycle share their component's score).</summary>
    internal static IReadOnlyDictionary<string, UInt128> Scores(RuntimeGraph graph)
    {
        var paths = StorePathGraph.Build(graph);
        var condensation = Condensation.Compute(paths.References);
        var scores = ComponentScores(condensation);
        var result = new Dictionary<string, UInt128>(StringComparer.Ordinal);
        for (var v = 0; v < paths.NodeCount; v++)
        {
            result[paths.Paths[v]] = scores[condensation.ComponentOf(v)];
        }

        return result;
    }

    /// <summary>Components from the most popular down, ties by nixpkgs' name key of their smallest path.</summary>
    internal static int[] Rank(StorePathGraph paths, Condensation condensation)
    {
        var scores = ComponentScores(condensation);
        var count = condensation.ComponentCount;
        var keys = new string[count];
        var ranking = new int[count];
        for (var c = 0; c < count; c++)
        {
            keys[c] = NameKey(paths.Paths[condensation.Members(c)[0]]);
            ranking[c] = c;
        }

        Array.Sort(ranking, (a, b) =>
        {
            var byScore = scores[b].CompareTo(scores[a]);
            return byScore != 0 ? byScore : string.CompareOrdinal(keys[a], keys[b]);
        });
        return ranking;
    }

    /// <summary>nixpkgs' <c>package_name</c>: the path split at '-', the first part (store dir and hash) moved to the end.</summary>
    internal static string NameKey(string path)
    {
        var dash = path.IndexOf('-');
        return dash < 0 ? path : string.Concat(path.AsSpan(dash + 1), "-", path.AsSpan(0, dash));
    }

    private static UInt128[] ComponentScores(Condensation condensation)
    {
        var dag = condensation.Dag;
        var count = condensation.ComponentCount;

        // Chains from a root: roots count 1, every other component the sum over the components referring to it.
        // Edges go from higher to lower numbers, so descending order visits referrers first.
        var hasReferrer = new bool[count];
        for (var c = 0; c < count; c++)
        {
            foreach (var d in dag.Successors(c))
            {
                hasReferrer[d] = true;
            }
        }

        var chains = new UInt128[count];
        for (var c = count - 1; c >= 0; c--)
        {
            if (!hasReferrer[c])
            {
                chains[c] = 1;
            }

            foreach (var d in dag.Successors(c))
            {
                chains[d] = SaturatingAdd(chains[d], chains[c]);
            }
        }

        // Score: each component adds its chain count to itself and everything it reaches.
        var scores = new UInt128[count];
        var stamp = new int[count];
        Array.Fill(stamp, -1);
        var stack = new int[count];
        for (var u = 0; u < count; u++)
        {
            var sp = 0;
            stack[sp++] = u;
            stamp[u] = u;
            while (sp > 0)
            {
                var v = stack[--sp];
                scores[v] = SaturatingAdd(scores[v], chains[u]);
                foreach (var w in dag.Successors(v))
                {
                    if (stamp[w] != u)
                    {
                        stamp[w] = u;
                        stack[sp++] = w;
                    }
                }
            }
        }

        return scores;
    }

    private static UInt128 SaturatingAdd(UInt128 a, UInt128 b)
    {
        var sum = a + b;
        return sum < a ? UInt128.MaxValue : sum;
    }
}
