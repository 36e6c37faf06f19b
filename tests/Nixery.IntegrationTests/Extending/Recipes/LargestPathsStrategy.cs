using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;

namespace MyRegistry;

/// <summary>The largest store paths get a layer each, as many as the budget allows but one; the rest share the last layer.</summary>
public sealed class LargestPathsStrategy : ILayerStrategy
{
    public string Name => "largest-paths";

    public LayerPlan Plan(RuntimeGraph graph, LayeringContext context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context.Budget, 1);
        var bySize = graph.Paths.OrderByDescending(p => p.NarSize).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
        var own = bySize.Take(context.Budget - 1).Select(p => Layer([p]));
        var rest = bySize.Skip(context.Budget - 1).ToList();
        return new LayerPlan([.. own, .. rest.Count > 0 ? [Layer(rest)] : Array.Empty<LayerGroup>()]);
    }

    // A layer lists its paths sorted: the list is also its cache key.
    private static LayerGroup Layer(IReadOnlyList<StorePath> paths) =>
        new([.. paths.Select(p => p.Path).Order(StringComparer.Ordinal)], paths.Sum(p => p.NarSize));
}
