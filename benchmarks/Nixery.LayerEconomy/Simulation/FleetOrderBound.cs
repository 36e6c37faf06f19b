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

    // Per budget: how many of the fleet's images hold each layer, and the inner plans of the fleet's images (each planned once).
    private readonly Dictionary<int, (Dictionary<string, int> Counts, Dictionary<RuntimeGraph, LayerPlan> Plans)> _byBudget = [];

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_byBudget.TryGetValue(context.Budget, out var fleetPlans))
        {
            fleetPlans = (new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<RuntimeGraph, LayerPlan>(ReferenceEqualityComparer.Instance));
            foreach (var image in fleet)
            {
                var plan = fleetPlans.Plans[image] = inner.Plan(image, context);
                foreach (var layer in plan.Layers)
                {
                    var key = PullClient.KeyOf(layer);
                    fleetPlans.Counts[key] = fleetPlans.Counts.GetValueOrDefault(key) + 1;
                }
            }

            _byBudget[context.Budget] = fleetPlans;
        }

        var layers = (fleetPlans.Plans.GetValueOrDefault(graph) ?? inner.Plan(graph, context)).Layers;
        var counts = fleetPlans.Counts;
        return new LayerPlan(layers.OrderByDescending(l => Math.Pow(counts.GetValueOrDefault(PullClient.KeyOf(l)) + 1.0, exponent) * l.NarSize).ToList());
    }
}
