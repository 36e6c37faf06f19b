using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;

namespace Nixery.LayerEconomy.Simulation;

/// <summary>
/// Not a strategy a server can use: the layers of another strategy, restacked with knowledge of the whole fleet, by
/// (number of the fleet's images holding the layer + 1)^<paramref name="exponent"/> × bytes, highest lowest. What no
/// image-by-image stacking order of that grouping can beat by much, so it bounds what a better stacking key can gain by chain.
/// </summary>
/// <param name="inner">The strategy whose layers are restacked.</param>
/// <param name="fleet">The fleet's images, whose layers are counted.</param>
/// <param name="exponent">The power of the count; 1.5 was the best of 0.5, 1, 1.5, 2 and 3 on seeds 1–3.</param>
public sealed class FleetOrderBound(ILayerStrategy inner, IReadOnlyList<RuntimeGraph> fleet, double exponent = 1.5) : ILayerStrategy
{
    /// <summary>The name in the tables.</summary>
    public const string StrategyName = "economy-fleet-order";

    private readonly Dictionary<int, Dictionary<string, int>> _countsByBudget = [];

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_countsByBudget.TryGetValue(context.Budget, out var counts))
        {
            counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var layer in fleet.SelectMany(g => inner.Plan(g, context).Layers))
            {
                var key = PullClient.KeyOf(layer);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            _countsByBudget[context.Budget] = counts;
        }

        var layers = inner.Plan(graph, context).Layers;
        return new LayerPlan(layers.OrderByDescending(l => Math.Pow(counts.GetValueOrDefault(PullClient.KeyOf(l)) + 1.0, exponent) * l.NarSize).ToList());
    }
}
