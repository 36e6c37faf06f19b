using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Abstractions.Layering;
using Nixery.Core.DependencyInjection;
using Nixery.Layering;

namespace Nixery.Core.Tests.DependencyInjection;

public class LayerStrategyConfigurationTests
{
    private static ILayerStrategy Resolve(string? name, Action<NixeryBuilder>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(name is null ? [] : [new("Nixery:LayerStrategy", name)])
            .Build();
        var services = new ServiceCollection();
        var builder = services.AddNixery(configuration.GetSection("Nixery"));
        configure?.Invoke(builder);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<ILayerStrategy>();
    }

    [Fact]
    public void AddNixery_WithoutLayerStrategy_UsesTheOriginalsStrategy() =>
        Assert.IsType<PopularityDominatorStrategy>(Resolve(null));

    [Fact]
    public void AddNixery_WithNixeryLayerStrategyInConfiguration_UsesTheNamedStrategy() =>
        Assert.IsType<EconomyStrategy>(Resolve("economy"));

    [Fact]
    public void UseLayerStrategy_TakesPrecedenceOverConfiguration() =>
        Assert.IsType<SingleLayerStrategy>(Resolve("economy", b => b.UseLayerStrategy(new SingleLayerStrategy())));

    [Fact]
    public void AddNixery_WithAnUnknownStrategyName_FailsOnResolveNamingTheKnownOnes() =>
        Assert.Contains("popularity-dominator", Assert.Throws<ArgumentException>(() => Resolve("nope")).Message, StringComparison.Ordinal);
}
