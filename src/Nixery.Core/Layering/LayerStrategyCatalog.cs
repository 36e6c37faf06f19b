using Microsoft.Extensions.Options;
using Nixery.Abstractions.Layering;
using Nixery.Layering;

namespace Nixery.Core.Layering;

/// <summary>
/// The layering strategies registered in the container, by <see cref="ILayerStrategy.Name"/> (case-insensitive), and the
/// one <see cref="NixeryOptions.LayerStrategy"/> selects, as YARP looks up its load-balancing policies.
/// </summary>
internal sealed class LayerStrategyCatalog
{
    /// <summary>The strategy used when <see cref="NixeryOptions.LayerStrategy"/> is not set.</summary>
    public const string DefaultName = EconomyStrategy.StrategyName;

    private readonly Dictionary<string, ILayerStrategy> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="InvalidOperationException">Two strategies share a name, or the selected name is not registered.</exception>
    public LayerStrategyCatalog(IEnumerable<ILayerStrategy> strategies, IOptions<NixeryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var strategy in strategies)
        {
            if (_byName.TryGetValue(strategy.Name, out var other) && other.GetType() != strategy.GetType())
                throw new InvalidOperationException(
                    $"two layering strategies are named '{strategy.Name}': {other.GetType().FullName} and {strategy.GetType().FullName}");
            _byName[strategy.Name] = strategy;
        }
        var name = options.Value.LayerStrategy is { Length: > 0 } configured ? configured.Trim() : DefaultName;
        Selected = Find(name) ?? throw new InvalidOperationException(UnknownMessage("Nixery:LayerStrategy", name, Names));
    }

    /// <summary>The names of the registered strategies, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _byName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The strategy the engine uses.</summary>
    public ILayerStrategy Selected { get; }

    /// <summary>The strategy called <paramref name="name"/>, or null.</summary>
    public ILayerStrategy? Find(string name) => _byName.GetValueOrDefault(name.Trim());

    /// <summary>The message for a name no registered strategy has.</summary>
    public static string UnknownMessage(string setting, string name, IEnumerable<string> known) =>
        $"{setting} names no registered layering strategy: '{name}'; known: {string.Join(", ", known)}";
}
