using Microsoft.Extensions.DependencyInjection;
using Nixery.Abstractions.Layering;

namespace Nixery.Layering.Tests;

/// <summary>The strategies the engine registers (<c>AddNixery</c>), by name, with their default settings.</summary>
internal static class BuiltInStrategies
{
    private static readonly Lazy<IReadOnlyDictionary<string, ILayerStrategy>> All = new(() =>
    {
        var services = new ServiceCollection();
        services.AddNixery();
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<ILayerStrategy>().ToDictionary(s => s.Name, StringComparer.Ordinal);
    });

    /// <summary>Every registered name, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. All.Value.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The strategy called <paramref name="name"/>.</summary>
    public static ILayerStrategy Create(string name) => All.Value[name];
}
