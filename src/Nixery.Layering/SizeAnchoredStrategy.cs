using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Layering.Graphs;

namespace Nixery.Layering;

/// <summary>
/// nixpkgs' newer size-based layering (<c>dockerTools</c>' <c>auto-layer.py</c>): the N largest store paths
/// anchor layers of their own, and the other paths are grouped by the set of anchors that depend on them; N
/// grows while the layers still fit the budget.
/// </summary>
/// <remarks>
/// <para>
/// For an anchor L, L's layer also takes every path D below L that nothing in the closure depends on
/// except L, paths depending on L, and paths already in L's layer ("no store path depends on D but not on L").
/// Every other path goes to the layer of the exact set of anchors (among the N) that reach it; paths no
/// anchor reaches share one last layer. N counts up from 1 and stops before the first N whose layers would
/// exceed the budget; when even one anchor does not fit, the closure is a single layer.
/// </para>
/// <para>
/// Anchors are ranked by NAR size, ties by ordinal path. A path below two nested anchors joins the one with
/// the smaller closure. Layers are stacked anchors first (largest first), then the shared groups (largest
/// first, ties by smallest path), then the rest. Cycles are contracted first; a cycle's paths stay together.
/// Popularity data is not used.
/// </para>
/// </remarks>
public sealed class SizeAnchoredStrategy : ILayerStrategy
{
    /// <summary>The name used in configuration and benchmarks.</summary>
    public const string StrategyName = "nixpkgs-size";

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        LayerPlans.CheckArguments(graph, context);
        var paths = StorePathGraph.Build(graph);
        if (paths.NodeCount == 0)
        {
            return new LayerPlan([]);
        }

        var condensation = Condensation.Compute(paths.References);
        var componentLayer = Assign(paths, condensation, context.Budget, out var layerCount);
        var layerOf = new int[paths.NodeCount];
        for (var v = 0; v < layerOf.Length; v++)
        {
            layerOf[v] = componentLayer[condensation.ComponentOf(v)];
        }

        return LayerPlans.FromAssignment(paths, layerOf, layerCount);
    }

    private static int[] Assign(StorePathGraph paths, Condensation condensation, int budget, out int layerCount)
    {
        var dag = condensation.Dag;
        var referrers = dag.Reverse();
        var count = condensation.ComponentCount;
        var sizes = new long[count];
        var first = new int[count];
        for (var c = 0; c < count; c++)
        {
            var members = condensation.Members(c);
            first[c] = members[0];
            foreach (var v in members)
            {
                sizes[c] += paths.NarSizes[v];
            }
        }

        var bySize = new int[count];
        for (var c = 0; c < count; c++)
        {
            bySize[c] = c;
        }

        Array.Sort(bySize, (a, b) => sizes[a] != sizes[b] ? sizes[b].CompareTo(sizes[a]) : first[a].CompareTo(first[b]));
        var maxAnchors = Math.Min(count, budget);
        var rankOf = new int[count];
        Array.Fill(rankOf, int.MaxValue);
        for (var r = 0; r < maxAnchors; r++)
        {
            rankOf[bySize[r]] = r;
        }

        // Each candidate anchor's exclusive part and closure size; and, per component, which anchors reach it.
        var exclusive = new int[maxAnchors][];
        var closureSize = new int[maxAnchors];
        var inClosure = new int[count];
        var isAncestor = new int[count];
        Array.Fill(inClosure, -1);
        Array.Fill(isAncestor, -1);
        var inExclusive = new int[count];
        Array.Fill(inExclusive, -1);
        var stack = new int[count];
        var scratch = new List<int>();
        for (var r = 0; r < maxAnchors; r++)
        {
            var a = bySize[r];
            var sp = 0;
            stack[sp++] = a;
            isAncestor[a] = r;
            while (sp > 0)
            {
                foreach (var p in referrers.Successors(stack[--sp]))
                {
                    if (isAncestor[p] != r)
                    {
                        isAncestor[p] = r;
                        stack[sp++] = p;
                    }
                }
            }

            scratch.Clear();
            sp = 0;
            stack[sp++] = a;
            inClosure[a] = r;
            while (sp > 0)
            {
                var v = stack[--sp];
                scratch.Add(v);
                foreach (var w in dag.Successors(v))
                {
                    if (inClosure[w] != r)
                    {
                        inClosure[w] = r;
                        stack[sp++] = w;
                    }
                }
            }

            closureSize[r] = scratch.Count;
            scratch.Sort();
            var owned = new List<int>();
            inExclusive[a] = r;
            // Descending numbers: every referrer of a component is decided before it.
            for (var i = scratch.Count - 1; i >= 0; i--)
            {
                var d = scratch[i];
                if (d == a)
                {
                    continue;
                }

                var ok = true;
                foreach (var p in referrers.Successors(d))
                {
                    if (inExclusive[p] != r && (isAncestor[p] != r || p == d))
                    {
                        ok = false;
                        break;
                    }
                }

                if (ok)
                {
                    inExclusive[d] = r;
                    owned.Add(d);
                }
            }

            exclusive[r] = [.. owned];
        }

        var words = Math.Max(1, (maxAnchors + 63) / 64);
        var reach = new ulong[count * words];
        for (var c = count - 1; c >= 0; c--)
        {
            if (rankOf[c] < maxAnchors)
            {
                reach[(c * words) + (rankOf[c] >> 6)] |= 1UL << (rankOf[c] & 63);
            }

            foreach (var d in dag.Successors(c))
            {
                for (var k = 0; k < words; k++)
                {
                    reach[(d * words) + k] |= reach[(c * words) + k];
                }
            }
        }

        var best = 0;
        var owner = new int[count];
        var groupOf = new int[count];
        for (var n = 1; n <= maxAnchors; n++)
        {
            if (Layers(n) > budget)
            {
                break;
            }

            best = n;
        }

        layerCount = Layers(best);
        if (best == 0)
        {
            layerCount = 1;
            return new int[count];
        }

        // Stacking order: anchors by rank, then groups by size (ties: smallest first path), then the rest.
        var groupSizes = new Dictionary<int, (long Size, int First)>();
        for (var c = 0; c < count; c++)
        {
            var g = groupOf[c];
            if (g >= best)
            {
                groupSizes[g] = groupSizes.TryGetValue(g, out var s) ? (s.Size + sizes[c], Math.Min(s.First, first[c])) : (sizes[c], first[c]);
            }
        }

        var rest = int.MaxValue;
        var shared = groupSizes.Keys.Where(g => g != rest).ToList();
        shared.Sort((a, b) => groupSizes[a].Size != groupSizes[b].Size
            ? groupSizes[b].Size.CompareTo(groupSizes[a].Size)
            : groupSizes[a].First.CompareTo(groupSizes[b].First));
        var position = new Dictionary<int, int>();
        for (var i = 0; i < shared.Count; i++)
        {
            position[shared[i]] = best + i;
        }

        position[rest] = best + shared.Count;
        var result = new int[count];
        for (var c = 0; c < count; c++)
        {
            result[c] = groupOf[c] < best ? groupOf[c] : position[groupOf[c]];
        }

        layerCount = best + shared.Count + 1;
        return result;

        // Assigns groupOf for the first n anchors: an anchor's rank, or a key >= n for shared groups, int.MaxValue for the rest.
        int Layers(int n)
        {
            // Keys of up to 128 anchors fit a UInt128; more anchors (budgets above 128) fall back to strings.
            var small = new Dictionary<UInt128, int>();
            var large = new Dictionary<string, int>(StringComparer.Ordinal);
            if (n == 0)
            {
                return 1;
            }

            Array.Fill(owner, -1);
            for (var r = 0; r < n; r++)
            {
                foreach (var d in exclusive[r])
                {
                    if (owner[d] < 0 || closureSize[r] < closureSize[owner[d]])
                    {
                        owner[d] = r;
                    }
                }
            }

            var hasRest = false;
            Span<ulong> key = stackalloc ulong[words];
            for (var c = 0; c < count; c++)
            {
                if (rankOf[c] < n)
                {
                    groupOf[c] = rankOf[c];
                    continue;
                }

                if (owner[c] >= 0)
                {
                    groupOf[c] = owner[c];
                    continue;
                }

                var any = false;
                for (var k = 0; k < words; k++)
                {
                    var bits = k * 64;
                    var mask = n - bits >= 64 ? ulong.MaxValue : n - bits <= 0 ? 0UL : (1UL << (n - bits)) - 1;
                    key[k] = reach[(c * words) + k] & mask;
                    any |= key[k] != 0;
                }

                if (!any)
                {
                    groupOf[c] = int.MaxValue;
                    hasRest = true;
                    continue;
                }

                int g;
                if (words <= 2)
                {
                    var packed = new UInt128(words == 2 ? key[1] : 0, key[0]);
                    if (!small.TryGetValue(packed, out g))
                    {
                        g = n + small.Count;
                        small[packed] = g;
                    }
                }
                else
                {
                    var text = string.Join(',', key.ToArray());
                    if (!large.TryGetValue(text, out g))
                    {
                        g = n + large.Count;
                        large[text] = g;
                    }
                }

                groupOf[c] = g;
            }

            return n + small.Count + large.Count + (hasRest ? 1 : 0);
        }
    }
}
