using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Layering.Graphs;

namespace Nixery.Layering;

/// <summary>
/// Our strategy, designed to save bytes over a fleet of images: layers whose content depends on as little of
/// the image as possible, so that other images produce the same layer, stacked in an order that other images
/// share too.
/// </summary>
/// <remarks>
/// <para>
/// Heads: the requested paths, paths referred to by at least <see cref="EconomyOptions.PopularThreshold"/>
/// store paths of the package set (a third of that at budgets of at least <see cref="EconomyOptions.LargeBudget"/>,
/// which have room for the finer layers), and paths of at least <see cref="EconomyOptions.BigPathThreshold"/> bytes
/// (<see cref="EconomyOptions.LargeBudgetBigPathThreshold"/> at those budgets).
/// Every other path joins the best-ranked head that reaches it without passing another head. Ranking is
/// global: closure count where the host has closure counts (else popularity), then size, then path, so a shared path
/// goes to the same head in every image that holds both (a dominator tree instead makes shared paths layers of their own, which then get merged).
/// </para>
/// <para>
/// Over budget, the layers worth least, (popularity + 1)^<see cref="EconomyOptions.MergeExponent"/> × bytes, share the top layer. Layers are stacked by
/// (inherited popularity + 1) × bytes (the power is <see cref="EconomyOptions.StackingExponent"/>), highest lowest, where a path's inherited popularity is the highest
/// popularity of itself and of the paths in the closure that refer to it, transitively (a library that a
/// popular library pulls in is in at least as many images). Where the context has closure counts
/// (<see cref="LayeringContext.ClosurePopularity"/>: how many packages of the set hold the path), they take the place of the
/// referrer counts in the ranking of heads and in the stacking key: they measure how many images hold a path, which
/// referrer counts only hint at. Heads are still chosen by referrer counts, but a head chosen for its popularity alone
/// joins a head above it that is in at least <see cref="EconomyOptions.JoinShare"/> of its closures: images hold the two
/// together, so one layer serves both. Heavy layers that many images hold come first,
/// so that images share long, heavy prefixes of layers (what clients that reuse layers by chain, such as
/// docker's classic store, need); by an exchange argument on the expected bytes above the first layer a client
/// lacks, layers should be stacked by bytes × the odds that a client already holds them, for which the
/// inherited popularity stands in. The thresholds and the stacking key were chosen on fleet seeds
/// 1–3 of the Debian workload of docs/layer-economy.md and evaluated on seeds 4–8, which played no part in the choice.
/// Cycles are contracted first; a cycle's paths stay together.
/// </para>
/// </remarks>
public sealed class EconomyStrategy : ILayerStrategy
{
    /// <summary>The name used in configuration and benchmarks.</summary>
    public const string StrategyName = "economy";

    private readonly int _popularThreshold;
    private readonly long _bigPathThreshold;
    private readonly long _largeBudgetBigPathThreshold;
    private readonly int _largeBudget;
    private readonly int _largeBudgetThreshold;
    private readonly double _stackingExponent;
    private readonly double _mergeExponent;
    private readonly double _joinShare;

    /// <summary>Creates the strategy with the default thresholds.</summary>
    public EconomyStrategy()
        : this(new EconomyOptions())
    {
    }

    /// <summary>Creates the strategy with the settings of the options system (bound from <c>Nixery:Layering:economy</c> by the engine).</summary>
    public EconomyStrategy(Microsoft.Extensions.Options.IOptions<EconomyOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Creates the strategy with the given thresholds.</summary>
    public EconomyStrategy(EconomyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PopularThreshold, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.BigPathThreshold, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.LargeBudgetBigPathThreshold, nameof(options));
        if (options.LargeBudgetThresholdDivisor < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.LargeBudgetThresholdDivisor, "EconomyOptions.LargeBudgetThresholdDivisor must be at least 1.");
        }

        if (!double.IsFinite(options.StackingExponent) || options.StackingExponent < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.StackingExponent, "EconomyOptions.StackingExponent must be a finite number of at least 0.");
        }

        if (!double.IsFinite(options.MergeExponent) || options.MergeExponent < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.MergeExponent, "EconomyOptions.MergeExponent must be a finite number of at least 0.");
        }

        if (!double.IsFinite(options.JoinShare) || options.JoinShare <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.JoinShare, "EconomyOptions.JoinShare must be a finite number above 0 (above 1 turns joining off).");
        }

        _popularThreshold = options.PopularThreshold;
        _bigPathThreshold = options.BigPathThreshold;
        _largeBudgetBigPathThreshold = options.LargeBudgetBigPathThreshold;
        _largeBudget = options.LargeBudget;
        _largeBudgetThreshold = (int)(((long)options.PopularThreshold + options.LargeBudgetThresholdDivisor - 1) / options.LargeBudgetThresholdDivisor);
        _stackingExponent = options.StackingExponent;
        _mergeExponent = options.MergeExponent;
        _joinShare = options.JoinShare;
    }

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

        // Like the popularity threshold, the size that makes a head is chosen by budget: a large budget has room for more.
        var bigPathThreshold = context.Budget >= _largeBudget ? _largeBudgetBigPathThreshold : _bigPathThreshold;
        var condensation = Condensation.Compute(paths.References);
        var dag = condensation.Dag;
        var count = condensation.ComponentCount;
        // Closure counts, where the host has them, say how many packages hold a path, which referrer counts only hint at:
        // they rank heads and stack layers in place of the referrer counts (heads are still chosen by referrers).
        var closures = context.ClosurePopularity is { Count: > 0 } given ? given : null;
        var popularity = new int[count];
        var held = closures is null ? popularity : new int[count];
        var sizes = new long[count];
        var first = new int[count];
        var pinned = new bool[count];
        for (var c = 0; c < count; c++)
        {
            var members = condensation.Members(c);
            first[c] = members[0];
            foreach (var v in members)
            {
                var name = Abstractions.Graph.StorePath.NameOf(paths.Paths[v]);
                popularity[c] = Math.Max(popularity[c], LayerPlans.CountOf(context.Popularity, name));
                if (closures is not null)
                {
                    held[c] = Math.Max(held[c], LayerPlans.CountOf(closures, name));
                }

                sizes[c] += paths.NarSizes[v];
                pinned[c] |= context.AlwaysPopular?.Contains(paths.Paths[v]) == true;
            }

            pinned[c] |= sizes[c] >= bigPathThreshold;
        }

        foreach (var t in paths.TopLevel)
        {
            pinned[condensation.ComponentOf(t)] = true;
        }

        // Better head first: held by more packages (or more popular), then bigger, then the smaller first path. A shared
        // path goes to the head that the most images hold, so it is in the same layer in as many images as can be.
        int Compare(int a, int b) =>
            held[a] != held[b] ? held[b].CompareTo(held[a])
            : sizes[a] != sizes[b] ? sizes[b].CompareTo(sizes[a])
            : first[a].CompareTo(first[b]);

        // The budget is the same for every image a server builds, so a threshold chosen by budget keeps layers alike
        // across images; a large budget has room for the finer layers of a lower threshold.
        var threshold = context.Budget >= _largeBudget ? _largeBudgetThreshold : _popularThreshold;
        var isHead = new bool[count];
        for (var c = 0; c < count; c++)
        {
            isHead[c] = pinned[c] || popularity[c] >= threshold;
        }

        if (closures is not null)
        {
            JoinHeadsAbove(dag, isHead, pinned, held, _joinShare);
        }

        var owner = Owners(dag, count, c => isHead[c], Compare);
        var heads = new List<int>();
        var layerSize = new long[count];
        for (var c = 0; c < count; c++)
        {
            layerSize[owner[c]] += sizes[c];
            if (owner[c] == c)
            {
                heads.Add(c);
            }
        }

        // What a layer of its own is worth: mostly its bytes, which a client that holds it need not download again.
        var value = new double[count];
        foreach (var h in heads)
        {
            value[h] = Math.Pow(popularity[h] + 1.0, _mergeExponent) * layerSize[h];
        }

        var budget = context.Budget;
        var inTail = new bool[count];
        if (heads.Count > budget)
        {
            var byValue = heads.ToList();
            byValue.Sort((a, b) => value[a] != value[b] ? value[a].CompareTo(value[b]) : first[b].CompareTo(first[a]));
            for (var i = 0; i <= heads.Count - budget; i++)
            {
                inTail[byValue[i]] = true;
            }
        }

        var kept = heads.Where(h => !inTail[h]).ToList();
        // Stacking order: (inherited popularity + 1)^StackingExponent x bytes, highest lowest (ties: smaller first path). A path is in
        // every image that holds a path referring to it, so it is at least as common as its most popular referrer.
        var inherited = InheritedPopularity(dag, held);
        var weight = new double[count];
        foreach (var h in kept)
        {
            weight[h] = Math.Pow(inherited[h] + 1.0, _stackingExponent) * layerSize[h];
        }

        kept.Sort((a, b) => weight[a] != weight[b] ? weight[b].CompareTo(weight[a]) : first[a].CompareTo(first[b]));
        var layerOfHead = new int[count];
        for (var i = 0; i < kept.Count; i++)
        {
            layerOfHead[kept[i]] = i;
        }

        foreach (var h in heads)
        {
            if (inTail[h])
            {
                layerOfHead[h] = kept.Count;
            }
        }

        var layerOf = new int[n];
        for (var v = 0; v < n; v++)
        {
            layerOf[v] = layerOfHead[owner[condensation.ComponentOf(v)]];
        }

        return LayerPlans.FromAssignment(paths, layerOf, kept.Count + 1);
    }

    /// <summary>
    /// Unmarks each head that is a head for its popularity alone (not <paramref name="pinned"/>) when a head above it (a
    /// referrer, transitively) is held by at least <paramref name="share"/> of the packages that hold it: its paths then
    /// go with the best-ranked head that reaches them, in the images that hold such a head. All heads are judged against
    /// the heads as they were before any was unmarked, so the result does not depend on the order.
    /// </summary>
    private static void JoinHeadsAbove(Digraph dag, bool[] isHead, bool[] pinned, int[] held, double share)
    {
        var count = isHead.Length;
        // The highest closure count of a head strictly above each component. Referrers have higher numbers, so
        // descending order settles every referrer first.
        var above = new int[count];
        for (var c = count - 1; c >= 0; c--)
        {
            var passed = Math.Max(above[c], isHead[c] ? held[c] : 0);
            foreach (var d in dag.Successors(c))
            {
                above[d] = Math.Max(above[d], passed);
            }
        }

        for (var c = 0; c < count; c++)
        {
            if (isHead[c] && !pinned[c] && held[c] > 0 && above[c] >= share * held[c])
            {
                isHead[c] = false;
            }
        }
    }

    /// <summary>
    /// Each component's owner: itself when it is a head or nothing in the closure refers to it, otherwise the
    /// best-ranked (<paramref name="compare"/> &lt; 0) owner among its referrers, so the best head that reaches it
    /// without passing another head.
    /// </summary>
    private static int[] Owners(Digraph dag, int count, Func<int, bool> isHead, Comparison<int> compare)
    {
        var owner = new int[count];
        Array.Fill(owner, -1);
        // Referrers have higher numbers, so descending order settles every referrer first.
        for (var c = count - 1; c >= 0; c--)
        {
            if (owner[c] < 0 || isHead(c))
            {
                owner[c] = c;
            }

            var carried = owner[c];
            foreach (var d in dag.Successors(c))
            {
                if (!isHead(d) && (owner[d] < 0 || compare(carried, owner[d]) < 0))
                {
                    owner[d] = carried;
                }
            }
        }

        return owner;
    }

    /// <summary>
    /// Each component's popularity raised to that of its most popular referrer in the closure, transitively: an
    /// estimate of how many images hold it that a library pulled in by a popular one does not underrate.
    /// </summary>
    internal static int[] InheritedPopularity(Digraph dag, int[] popularity)
    {
        var inherited = (int[])popularity.Clone();
        // Referrers have higher numbers, so descending order passes each value on after it is final.
        for (var c = inherited.Length - 1; c >= 0; c--)
        {
            foreach (var d in dag.Successors(c))
            {
                inherited[d] = Math.Max(inherited[d], inherited[c]);
            }
        }

        return inherited;
    }
}
