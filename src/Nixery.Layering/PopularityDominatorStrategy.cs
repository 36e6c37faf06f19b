using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Layering.Graphs;

namespace Nixery.Layering;

/// <summary>
/// The layering of the original Nixery: store paths that are big or popular are made children of a synthetic
/// root, so that in the dominator tree from that root they (and whatever only they lead to) become layers of
/// their own; layers beyond the budget are merged, least valuable first.
/// </summary>
/// <remarks>
/// <para>
/// Graph: a synthetic root with an edge to every top-level path and to every path that is big
/// (own NAR size &gt; <see cref="PopularityDominatorOptions.BigPathThreshold"/>) or popular
/// (popularity &gt;= <see cref="PopularityDominatorOptions.PopularThreshold"/>, or listed in
/// <see cref="LayeringContext.AlwaysPopular"/>), and from every path to its references. A path's popularity
/// is that of its name without hash, 1 when unknown.
/// </para>
/// <para>
/// Each child of the root in the dominator tree starts a layer holding everything it dominates. Its merge
/// rating is the child's popularity times the layer's total NAR size, computed in <see cref="UInt128"/>:
/// an <see cref="int"/> times a <see cref="long"/> is below 2^94, so no rating can overflow.
/// </para>
/// <para>
/// Over budget, layers sorted by ascending rating (ties: ordinally smaller first store path) are merged from
/// the front until exactly the budget remains; this is what the original's repeated merging of the first
/// layer into the second amounts to.
/// </para>
/// <para>
/// Order of the plan, lowest layer first: descending rating (ties: ordinally smaller first store path first),
/// then the merged layer last. Popular and large layers sit at the bottom, where images share them; the
/// merged layer holds what is least shared and so goes on top. Paths the root cannot reach (impossible for a
/// real closure) form a rating-less layer that is merged first, so every path still lands in exactly one layer.
/// </para>
/// </remarks>
public sealed class PopularityDominatorStrategy : ILayerStrategy
{
    /// <summary>The name used in configuration and benchmarks.</summary>
    public const string StrategyName = "popularity-dominator";

    private readonly long _bigPathThreshold;
    private readonly int _popularThreshold;
    private readonly int _alwaysPopularPopularity;

    /// <summary>Creates the strategy with the original's thresholds.</summary>
    public PopularityDominatorStrategy()
        : this(new PopularityDominatorOptions())
    {
    }

    /// <summary>Creates the strategy with the settings of the options system (bound from <c>Nixery:Layering:popularity-dominator</c> by the engine).</summary>
    public PopularityDominatorStrategy(Microsoft.Extensions.Options.IOptions<PopularityDominatorOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Creates the strategy with the given thresholds; later changes to <paramref name="options"/> have no effect.</summary>
    public PopularityDominatorStrategy(PopularityDominatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.BigPathThreshold, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.PopularThreshold, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.AlwaysPopularPopularity, nameof(options));
        _bigPathThreshold = options.BigPathThreshold;
        _popularThreshold = options.PopularThreshold;
        _alwaysPopularPopularity = options.AlwaysPopularPopularity;
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The budget is less than 1.</exception>
    /// <exception cref="ArgumentException">A path appears twice or has a negative size.</exception>
    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Budget < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(context), context.Budget, "The layer budget must be at least 1.");
        }

        var paths = StorePathGraph.Build(graph);
        var n = paths.NodeCount;
        if (n == 0)
        {
            return new LayerPlan([]);
        }

        var popularity = new int[n];
        var fromRoot = new bool[n];
        foreach (var t in paths.TopLevel)
        {
            fromRoot[t] = true;
        }

        var rootEdgeCount = 0;
        for (var i = 0; i < n; i++)
        {
            var path = paths.Paths[i];
            // Counts are reference counts; a negative one is bad data and must not turn a rating upside down.
            var pop = Math.Max(context.Popularity.Of(StorePath.NameOf(path)) ?? 1, 0);
            var always = context.AlwaysPopular?.Contains(path) == true;
            if (always)
            {
                pop = Math.Max(pop, _alwaysPopularPopularity);
            }

            popularity[i] = pop;
            fromRoot[i] |= always || paths.NarSizes[i] > _bigPathThreshold || pop >= _popularThreshold;
            rootEdgeCount += fromRoot[i] ? 1 : 0;
        }

        var rootEdges = new int[rootEdgeCount];
        for (int i = 0, k = 0; i < n; i++)
        {
            if (fromRoot[i])
            {
                rootEdges[k++] = i;
            }
        }

        var root = n;
        var tree = DominatorTree.Compute(paths.References.WithExtraNode(rootEdges), root);
        return BuildPlan(paths, tree, popularity, context.Budget);
    }

    private static LayerPlan BuildPlan(StorePathGraph paths, DominatorTree tree, int[] popularity, int budget)
    {
        var n = paths.NodeCount;
        var heads = tree.Children(tree.Root);

        // Candidate k < heads.Length is the subtree of heads[k]; candidate heads.Length collects unreachable paths.
        var unreachable = heads.Length;
        var candidateOf = new int[n];
        Array.Fill(candidateOf, unreachable);
        for (var k = 0; k < heads.Length; k++)
        {
            candidateOf[heads[k]] = k;
        }

        // Preorder visits a node's immediate dominator before the node, so one pass labels whole subtrees.
        foreach (var v in tree.ReachableInPreorder[1..])
        {
            var d = tree.ImmediateDominator(v);
            if (d != tree.Root)
            {
                candidateOf[v] = candidateOf[d];
            }
        }

        var candidateCount = heads.Length + 1;
        var sizes = new long[candidateCount];
        var members = new int[candidateCount];
        var firstPath = new int[candidateCount];
        Array.Fill(firstPath, -1);
        for (var i = 0; i < n; i++)
        {
            var c = candidateOf[i];
            sizes[c] = checked(sizes[c] + paths.NarSizes[i]);
            members[c]++;
            if (firstPath[c] < 0)
            {
                firstPath[c] = i; // nodes are numbered in ordinal path order, so the first seen is the smallest
            }
        }

        var ratings = new UInt128[candidateCount];
        for (var k = 0; k < heads.Length; k++)
        {
            ratings[k] = (UInt128)(uint)popularity[heads[k]] * (UInt128)(ulong)sizes[k];
        }

        // Merge order: the unreachable paths (if any) first, then ascending rating, then smaller first path.
        var mergeOrder = new List<int>(candidateCount);
        if (members[unreachable] > 0)
        {
            mergeOrder.Add(unreachable);
        }

        var reachableStart = mergeOrder.Count;
        for (var k = 0; k < heads.Length; k++)
        {
            mergeOrder.Add(k);
        }

        mergeOrder.Sort(reachableStart, heads.Length, Comparer<int>.Create((a, b) =>
        {
            var byRating = ratings[a].CompareTo(ratings[b]);
            return byRating != 0 ? byRating : firstPath[a].CompareTo(firstPath[b]);
        }));

        // The front of the merge order becomes the top layer: merged over budget, or the unreachable paths alone.
        var tailCount = mergeOrder.Count > budget ? mergeOrder.Count - budget + 1 : reachableStart;
        var kept = mergeOrder.GetRange(tailCount, mergeOrder.Count - tailCount);
        kept.Sort((a, b) =>
        {
            var byRating = ratings[b].CompareTo(ratings[a]);
            return byRating != 0 ? byRating : firstPath[a].CompareTo(firstPath[b]);
        });

        var layerCount = kept.Count + (tailCount > 0 ? 1 : 0);
        var layerOfCandidate = new int[candidateCount];
        for (var j = 0; j < kept.Count; j++)
        {
            layerOfCandidate[kept[j]] = j;
        }

        for (var j = 0; j < tailCount; j++)
        {
            layerOfCandidate[mergeOrder[j]] = kept.Count;
        }

        var layerSizes = new long[layerCount];
        var layerMembers = new int[layerCount];
        for (var c = 0; c < candidateCount; c++)
        {
            if (members[c] > 0)
            {
                var l = layerOfCandidate[c];
                layerSizes[l] = checked(layerSizes[l] + sizes[c]);
                layerMembers[l] += members[c];
            }
        }

        var contents = new string[layerCount][];
        for (var l = 0; l < layerCount; l++)
        {
            contents[l] = new string[layerMembers[l]];
        }

        // Filling in node order keeps each layer's paths ordinally sorted without another sort.
        var fill = new int[layerCount];
        for (var i = 0; i < n; i++)
        {
            var l = layerOfCandidate[candidateOf[i]];
            contents[l][fill[l]++] = paths.Paths[i];
        }

        var layers = new LayerGroup[layerCount];
        for (var l = 0; l < layerCount; l++)
        {
            layers[l] = new LayerGroup(contents[l], layerSizes[l]);
        }

        return new LayerPlan(layers);
    }
}
