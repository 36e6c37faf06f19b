using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Core.Layering;
using Nixery.Layering;

namespace Nixery.Core.Tests.DependencyInjection;

public class LayerStrategyConfigurationTests
{
    private static ServiceProvider Provider(IEnumerable<KeyValuePair<string, string?>> settings, Action<INixeryBuilder>? configure = null) =>
        ConfiguredEngine.Provider(settings, configure);

    private static ILayerStrategy Resolve(string? name, Action<INixeryBuilder>? configure = null)
    {
        using var provider = Provider(name is null ? [] : [new("Nixery:LayerStrategy", name)], configure);
        return provider.GetRequiredService<LayerStrategyCatalog>().Selected;
    }

    [Fact]
    public void AddNixery_WithoutLayerStrategy_UsesEconomy() =>
        Assert.IsType<EconomyStrategy>(Resolve(null));

    [Fact]
    public void AddNixery_WithNixeryLayerStrategyInConfiguration_UsesTheNamedStrategy_CaseInsensitively()
    {
        Assert.IsType<PopularityDominatorStrategy>(Resolve("popularity-dominator"));
        Assert.IsType<EconomyStrategy>(Resolve("Economy"));
        Assert.IsType<SizeAnchoredStrategy>(Resolve("NixPkgs-Size"));
    }

    [Fact]
    public void AddNixery_RegistersTheSixBuiltInStrategiesByName()
    {
        using var provider = Provider([]);
        Assert.Equal(
            ["economy", "nixpkgs-popularity", "nixpkgs-size", "per-path", "popularity-dominator", "single-layer"],
            provider.GetRequiredService<LayerStrategyCatalog>().Names);
    }

    [Fact]
    public void UseLayerStrategy_TakesPrecedenceOverConfiguration() =>
        Assert.IsType<SingleLayerStrategy>(Resolve("economy", b => b.UseLayerStrategy(new SingleLayerStrategy())));

    [Fact]
    public void An_unknown_strategy_name_fails_validation_naming_the_setting_and_the_known_strategies()
    {
        using var provider = Provider([new("Nixery:LayerStrategy", "fastest")]);
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NixeryOptions>>().Value);
        Assert.Contains("Nixery:LayerStrategy names no registered layering strategy: 'fastest'", error.Message, StringComparison.Ordinal);
        Assert.Contains("economy, nixpkgs-popularity, nixpkgs-size, per-path, popularity-dominator, single-layer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_strategys_settings_are_bound_from_its_layering_section()
    {
        // Economy with a popularity threshold of 2: a path two others refer to heads a layer of its own.
        using var provider = Provider([
            new("Nixery:LayerStrategy", "economy"),
            new("Nixery:Layering:economy:PopularThreshold", "2"),
            new("Nixery:Layering:popularity-dominator:BigPathThreshold", "12345"),
        ]);
        Assert.Equal(2, provider.GetRequiredService<IOptions<EconomyOptions>>().Value.PopularThreshold);
        Assert.Equal(12345, provider.GetRequiredService<IOptions<PopularityDominatorOptions>>().Value.BigPathThreshold);

        var lib = new StorePath("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-lib", 10, []);
        var one = new StorePath("/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-one", 10, [lib.Path]);
        var two = new StorePath("/nix/store/cccccccccccccccccccccccccccccccc-two", 10, [lib.Path]);
        var popularity = new Popularity([new("lib", 2)]);
        var configured = provider.GetRequiredService<LayerStrategyCatalog>().Selected
            .Plan(new RuntimeGraph([lib, one, two], [one.Path, two.Path]), new LayeringContext(94, popularity));
        var defaults = new EconomyStrategy()
            .Plan(new RuntimeGraph([lib, one, two], [one.Path, two.Path]), new LayeringContext(94, popularity));

        Assert.Equal(3, configured.Layers.Count);
        Assert.NotEqual(defaults.Layers.Count, configured.Layers.Count);
    }
}
