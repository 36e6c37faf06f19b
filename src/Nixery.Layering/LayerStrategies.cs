using Nixery.Abstractions.Layering;

namespace Nixery.Layering;

/// <summary>Every strategy of this package by name, for configuration (e.g. <c>Nixery:LayerStrategy</c>) and benchmarks.</summary>
public static class LayerStrategies
{
    /// <summary>The names <see cref="Create"/> accepts, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        PopularityDominatorStrategy.StrategyName,
        EconomyStrategy.StrategyName,
        PopularityContestStrategy.StrategyName,
        SizeAnchoredStrategy.StrategyName,
        SingleLayerStrategy.StrategyName,
        PerPathStrategy.StrategyName,
    ];

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive) with its default settings.</summary>
    /// <exception cref="ArgumentException">No strategy has that name; the message lists the names.</exception>
    public static ILayerStrategy Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            PopularityDominatorStrategy.StrategyName => new PopularityDominatorStrategy(),
            EconomyStrategy.StrategyName => new EconomyStrategy(),
            PopularityContestStrategy.StrategyName => new PopularityContestStrategy(),
            SizeAnchoredStrategy.StrategyName => new SizeAnchoredStrategy(),
            SingleLayerStrategy.StrategyName => new SingleLayerStrategy(),
            PerPathStrategy.StrategyName => new PerPathStrategy(),
            _ => throw new ArgumentException(
                $"Unknown layer strategy '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
