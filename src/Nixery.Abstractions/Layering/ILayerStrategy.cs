using Nixery.Abstractions.Graph;

namespace Nixery.Abstractions.Layering;

/// <summary>Groups the store paths of a runtime graph into layers. Implementations are pure and deterministic.</summary>
public interface ILayerStrategy
{
    /// <summary>A short name for configuration and benchmarks, e.g. <c>popularity-dominator</c>.</summary>
    string Name { get; }

    /// <summary>Assigns every store path of <paramref name="graph"/> to exactly one layer, within the budget.</summary>
    LayerPlan Plan(RuntimeGraph graph, LayeringContext context);
}
