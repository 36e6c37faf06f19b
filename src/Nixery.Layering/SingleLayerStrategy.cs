using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Layering.Graphs;

namespace Nixery.Layering;

/// <summary>
/// Every store path in one layer: the lower bound on layers, and the upper bound on bytes, since any change
/// to the closure makes the whole layer new. A baseline for comparisons.
/// </summary>
public sealed class SingleLayerStrategy : ILayerStrategy
{
    /// <summary>The name used in configuration and benchmarks.</summary>
    public const string StrategyName = "single-layer";

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        LayerPlans.CheckArguments(graph, context);
        var paths = StorePathGraph.Build(graph);
        return LayerPlans.FromAssignment(paths, new int[paths.NodeCount], 1);
    }
}
