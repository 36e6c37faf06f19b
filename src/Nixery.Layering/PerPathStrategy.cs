using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Layering.Graphs;

namespace Nixery.Layering;

/// <summary>
/// One layer per store path, ignoring the budget: what a client reusing layers by digest downloads is then
/// exactly the bytes of the paths it does not hold yet (the floor). Real clients cannot pull images with
/// thousands of layers, so this is a bound for comparisons, not something to serve.
/// </summary>
/// <remarks>
/// Layers are stacked most popular first (ties: ordinal path), so that images share as long a prefix of
/// layers as this ordering allows.
/// </remarks>
public sealed class PerPathStrategy : ILayerStrategy
{
    /// <summary>The name used in configuration and benchmarks.</summary>
    public const string StrategyName = "per-path";

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        LayerPlans.CheckArguments(graph, context);
        var paths = StorePathGraph.Build(graph);
        var n = paths.NodeCount;
        var popularity = new int[n];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            popularity[i] = LayerPlans.PopularityOf(context, paths.Paths[i]);
            order[i] = i;
        }

        Array.Sort(order, (a, b) => popularity[a] != popularity[b] ? popularity[b].CompareTo(popularity[a]) : a.CompareTo(b));
        var layerOf = new int[n];
        for (var l = 0; l < n; l++)
        {
            layerOf[order[l]] = l;
        }

        return LayerPlans.FromAssignment(paths, layerOf, n);
    }
}
