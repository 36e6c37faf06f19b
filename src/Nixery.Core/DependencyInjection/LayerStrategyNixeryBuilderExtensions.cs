using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nixery.Abstractions.Layering;
using Nixery.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers layering strategies by name, as YARP registers load-balancing policies: each is a singleton
/// <see cref="ILayerStrategy"/> added with <c>TryAddEnumerable</c>, and <c>Nixery:LayerStrategy</c> selects one by its
/// <see cref="ILayerStrategy.Name"/>.
/// </summary>
public static class LayerStrategyNixeryBuilderExtensions
{
    /// <summary>Makes <typeparamref name="TStrategy"/> selectable by its name (<c>Nixery:LayerStrategy</c>).</summary>
    public static INixeryBuilder AddLayerStrategy<TStrategy>(this INixeryBuilder builder) where TStrategy : class, ILayerStrategy
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILayerStrategy, TStrategy>());
        return builder;
    }

    /// <summary>
    /// Makes <typeparamref name="TStrategy"/> selectable by <paramref name="name"/> (its <see cref="ILayerStrategy.Name"/>),
    /// with its settings <typeparamref name="TOptions"/> bound from <c>Nixery:Layering:&lt;name&gt;</c>; the strategy takes
    /// <c>IOptions&lt;TOptions&gt;</c> in its constructor.
    /// </summary>
    public static INixeryBuilder AddLayerStrategy<TStrategy, TOptions>(this INixeryBuilder builder, string name)
        where TStrategy : class, ILayerStrategy
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddOptions<TOptions>()
            .Configure<NixeryConfiguration>((options, nixery) => nixery.Section?.GetSection("Layering:" + name).Bind(options));
        return builder.AddLayerStrategy<TStrategy>();
    }

    /// <summary>Uses <paramref name="strategy"/>, whatever <c>Nixery:LayerStrategy</c> says.</summary>
    public static INixeryBuilder UseLayerStrategy(this INixeryBuilder builder, ILayerStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(strategy);
        builder.Services.AddSingleton(strategy);
        builder.Services.PostConfigure<NixeryOptions>(options => options.LayerStrategy = strategy.Name);
        return builder;
    }
}
