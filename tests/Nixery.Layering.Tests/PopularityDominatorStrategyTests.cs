using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using static Nixery.Layering.Tests.StorePaths;

namespace Nixery.Layering.Tests;

public class PopularityDominatorStrategyTests
{
    // The worked example of the original Nixery's layering documentation: an image "img" of A, B, C and D.
    //   img -> A, B, C, D    A -> E    B -> E    C -> E, D    D -> F, G
    // G is big and E popular, so both get an extra edge from the root. Dominator tree:
    //   img -> A, B, C, E, D (-> F), G
    // Sizes and popularities make the ratings A = B = C < {D,F} < E < G.
    private static readonly string A = Of('a', "A-1.0");
    private static readonly string B = Of('b', "B-1.0");
    private static readonly string C = Of('c', "C-1.0");
    private static readonly string D = Of('d', "D-1.0");
    private static readonly string E = Of('f', "E-1.0");
    private static readonly string F = Of('g', "F-1.0");
    private static readonly string G = Of('h', "G-1.0");

    private static readonly RuntimeGraph Example = new(
        [
            Path(A, 1000, A, E), Path(B, 1000, B, E), Path(C, 1000, E, D), Path(D, 1000, F, G),
            Path(E, 1000), Path(F, 1000), Path(G, 150_000_000),
        ],
        [A, B, C, D]);

    // Exactly the threshold: ">= 100" makes E popular; rating 100 * 1000.
    private static readonly Popularity ExamplePopularity = new([new("E-1.0", 100)]);

    private static readonly PopularityDominatorStrategy Strategy = new();

    public static TheoryData<int, string[]> ExampleBudgets() => new()
    {
        { 1, ["ABCDEFG"] },
        { 2, ["G", "ABCDEF"] },
        { 3, ["G", "E", "ABCDF"] },
        { 4, ["G", "E", "DF", "ABC"] },
        { 5, ["G", "E", "DF", "C", "AB"] },
        { 6, ["G", "E", "DF", "A", "B", "C"] },
        // The original's documentation lists five layers for budget 10 and leaves out {G}; that is a slip in
        // its text: G has an edge from the root and is its own child of the root in the dominator tree.
        { 10, ["G", "E", "DF", "A", "B", "C"] },
    };

    [Theory]
    [MemberData(nameof(ExampleBudgets))]
    public void Plan_OnTheOriginalsWorkedExample_GivesItsLayersForEachBudget_HighestRatedFirstMergedLast(int budget, string[] expected)
    {
        var plan = Strategy.Plan(Example, new LayeringContext(budget, ExamplePopularity));

        Assert.Equal(expected, plan.Layers.Select(Letters));
    }

    [Fact]
    public void Plan_OnTheWorkedExample_ReportsEachLayersNarSizeAndSortedPaths()
    {
        var plan = Strategy.Plan(Example, new LayeringContext(4, ExamplePopularity));

        Assert.Equal([150_000_000L, 1000L, 2000L, 3000L], plan.Layers.Select(l => l.NarSize));
        Assert.Equal([D, F], plan.Layers[2].StorePaths);
        Assert.Equal([A, B, C], plan.Layers[3].StorePaths);
    }

    [Fact]
    public void Plan_GivesABigPathItsOwnLayer_ButNotAPathOfExactlyTheThreshold()
    {
        var app = Of('a', "app-1.0");
        var big = Of('b', "big-1.0");
        var edge = Of('c', "edge-1.0");
        var graph = new RuntimeGraph(
            [Path(app, 10, big, edge), Path(big, 200_000_000), Path(edge, 100_000_000)],
            [app]);

        var plan = Strategy.Plan(graph, new LayeringContext(10, Popularity.Empty));

        Assert.Equal([[big], [app, edge]], plan.Layers.Select(l => l.StorePaths));
    }

    [Fact]
    public void Plan_GivesAnAlwaysPopularPathItsOwnLayer_RatedAboveAnyOther()
    {
        var app = Of('a', "app-1.0");
        var cacert = Of('c', "nss-cacert-3.90");
        var glibc = Of('g', "glibc-2.37");
        var graph = new RuntimeGraph(
            [Path(app, 10, cacert, glibc), Path(cacert, 10), Path(glibc, 10)],
            [app]);
        var popularity = new Popularity([new("glibc-2.37", 300_000)]);

        var plan = Strategy.Plan(graph, new LayeringContext(10, popularity, new HashSet<string> { cacert }));

        Assert.Equal([[cacert], [glibc], [app]], plan.Layers.Select(l => l.StorePaths));
    }

    [Fact]
    public void Plan_UsesTheThresholdsOfItsOptions()
    {
        var app = Of('a', "app-1.0");
        var lib = Of('b', "lib-1.0");
        var data = Of('c', "data-1.0");
        var graph = new RuntimeGraph([Path(app, 10, lib, data), Path(lib, 10), Path(data, 600)], [app]);
        var context = new LayeringContext(10, new Popularity([new("lib-1.0", 5)]));

        var defaults = Strategy.Plan(graph, context);
        var lowered = new PopularityDominatorStrategy(new PopularityDominatorOptions { BigPathThreshold = 500, PopularThreshold = 5 })
            .Plan(graph, context);

        Assert.Single(defaults.Layers);
        Assert.Equal([[data], [lib], [app]], lowered.Layers.Select(l => l.StorePaths));
    }

    [Fact]
    public void Plan_RatesPathsOfUnknownPopularityAsOne()
    {
        // Both layers have size 10. With unknown = 1, "unknown" (rating 10) beats "zero" (known popularity 0,
        // rating 0); were unknown counted as 0, the tie would put "zero" first by its smaller path.
        var zero = Of('a', "zero-1.0");
        var unknown = Of('b', "unknown-1.0");
        var graph = new RuntimeGraph([Path(zero, 10), Path(unknown, 10)], [zero, unknown]);

        var plan = Strategy.Plan(graph, new LayeringContext(10, new Popularity([new("zero-1.0", 0)])));

        Assert.Equal([[unknown], [zero]], plan.Layers.Select(l => l.StorePaths));
    }

    [Fact]
    public void Plan_BreaksRatingTiesByTheOrdinallySmallerFirstPath_WhenOrderingAndWhenMerging()
    {
        var x = Of('x', "x-1.0");
        var y = Of('y', "y-1.0");
        var z = Of('z', "z-1.0");
        var graph = new RuntimeGraph([Path(z, 5), Path(y, 5), Path(x, 5)], [z, y, x]);

        var three = Strategy.Plan(graph, new LayeringContext(3, Popularity.Empty));
        var two = Strategy.Plan(graph, new LayeringContext(2, Popularity.Empty));

        Assert.Equal([[x], [y], [z]], three.Layers.Select(l => l.StorePaths));
        Assert.Equal([[z], [x, y]], two.Layers.Select(l => l.StorePaths));
    }

    [Fact]
    public void Plan_PutsPathsTheRootCannotReachIntoTheLastLayer_AloneWhenTheBudgetAllows()
    {
        var app = Of('a', "app-1.0");
        var orphan = Of('o', "orphan-1.0");
        var orphanLib = Of('p', "orphan-lib-1.0");
        var tool = Of('t', "tool-1.0");
        var graph = new RuntimeGraph([Path(app, 10), Path(tool, 5), Path(orphan, 1, orphanLib), Path(orphanLib, 1)], [app, tool]);

        var roomy = Strategy.Plan(graph, new LayeringContext(3, Popularity.Empty));
        var tight = Strategy.Plan(graph, new LayeringContext(2, Popularity.Empty));

        Assert.Equal([[app], [tool], [orphan, orphanLib]], roomy.Layers.Select(l => l.StorePaths));
        Assert.Equal([[app], [orphan, orphanLib, tool]], tight.Layers.Select(l => l.StorePaths));
    }

    [Fact]
    public void Plan_WithoutAnyTopLevelPathInTheGraph_PutsEverythingInOneLayer()
    {
        var a = Of('a', "a-1.0");
        var b = Of('b', "b-1.0");
        var graph = new RuntimeGraph([Path(a, 1, b), Path(b, 2)], [Of('z', "gone-1.0")]);

        var plan = Strategy.Plan(graph, new LayeringContext(5, Popularity.Empty));

        Assert.Equal([[a, b]], plan.Layers.Select(l => l.StorePaths));
        Assert.Equal(3, plan.Layers[0].NarSize);
    }

    [Fact]
    public void Plan_OfAnEmptyGraph_HasNoLayers()
    {
        Assert.Empty(Strategy.Plan(new RuntimeGraph([], []), new LayeringContext(5, Popularity.Empty)).Layers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Plan_RejectsABudgetBelowOne(int budget)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Strategy.Plan(Example, new LayeringContext(budget, ExamplePopularity)));
    }

    [Fact]
    public void Constructor_RejectsNegativeThresholds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PopularityDominatorStrategy(new PopularityDominatorOptions { BigPathThreshold = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PopularityDominatorStrategy(new PopularityDominatorOptions { PopularThreshold = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PopularityDominatorStrategy(new PopularityDominatorOptions { AlwaysPopularPopularity = -1 }));
    }

    [Fact]
    public void Name_IsPopularityDominator()
    {
        Assert.Equal("popularity-dominator", Strategy.Name);
    }

    [Fact]
    public void Options_DefaultToTheOriginalsThresholds()
    {
        var options = new PopularityDominatorOptions();

        Assert.Equal(100_000_000L, options.BigPathThreshold);
        Assert.Equal(100, options.PopularThreshold);
        Assert.Equal(500_000, options.AlwaysPopularPopularity);
    }

    private static string Letters(LayerGroup layer) => string.Concat(layer.StorePaths.Select(p => StorePath.NameOf(p)[0]));
}
