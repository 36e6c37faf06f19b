namespace Nixery.Layering.Tests;

public class LayerStrategiesTests
{
    [Fact]
    public void Create_ReturnsForEveryListedNameAStrategyOfThatName_IgnoringCase()
    {
        foreach (var name in LayerStrategies.Names)
        {
            Assert.Equal(name, LayerStrategies.Create(name.ToUpperInvariant()).Name);
        }

        Assert.Equal(PopularityDominatorStrategy.StrategyName, LayerStrategies.Names[0]);
    }

    [Fact]
    public void Create_WithAnUnknownName_ThrowsNamingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => LayerStrategies.Create("fastest"));

        Assert.Contains("economy", error.Message, StringComparison.Ordinal);
        Assert.Contains("'fastest'", error.Message, StringComparison.Ordinal);
    }
}
