using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using static Nixery.Layering.Tests.StorePaths;

namespace Nixery.Layering.Tests;

public class SizeAnchoredStrategyTests
{
    // app -> big1 -> own1 ; app -> big2 -> shared ; big1 -> shared ; app -> small
    private static readonly string App = Of('a', "app"), Big1 = Of('b', "big1"), Big2 = Of('c', "big2"),
        Own1 = Of('d', "own1"), Shared = Of('f', "shared"), Small = Of('g', "small");

    private static readonly RuntimeGraph Closure = new(
        [Path(App, 1, Big1, Big2, Small), Path(Big1, 1000, Own1, Shared), Path(Big2, 900, Shared), Path(Own1, 5), Path(Shared, 5), Path(Small, 1)],
        [App]);

    [Fact]
    public void Plan_GivesTheLargestPathsLayers_WithWhatOnlyTheyUse_AndGroupsPathsByTheSetOfAnchorsAboveThem()
    {
        var plan = new SizeAnchoredStrategy().Plan(Closure, new LayeringContext(4, Popularity.Empty));

        // N=2: {big1, own1}, {big2}, {shared} (reached by both anchors), rest {app, small} = 4 layers. N=3 makes own1
        // (5 bytes, ahead of shared by path) an anchor: 5 layers, over budget.
        Assert.Equal(
            [[Big1, Own1], [Big2], [Shared], [App, Small]],
            plan.Layers.Select(l => l.StorePaths.ToArray()));
    }

    [Fact]
    public void Plan_WhenNotEvenOneAnchorFits_IsASingleLayer()
    {
        var plan = new SizeAnchoredStrategy().Plan(Closure, new LayeringContext(1, Popularity.Empty));

        Assert.Equal(6, Assert.Single(plan.Layers).StorePaths.Count);
    }
}
