using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using static Nixery.Layering.Tests.StorePaths;

namespace Nixery.Layering.Tests;

public class EconomyStrategyTests
{
    private static readonly string Libc = Of('a', "libc"), Ssl = Of('b', "ssl"), Zlib = Of('c', "zlib"),
        Curl = Of('d', "curl"), Git = Of('f', "git"), Wget = Of('g', "wget"), Helper = Of('h', "helper");

    private static readonly Popularity Counts = new([new("libc", 5000), new("ssl", 900), new("zlib", 200), new("helper", 3)]);

    private static StorePath[] Paths() =>
    [
        Path(Libc, 100), Path(Ssl, 50, Libc, Helper), Path(Zlib, 10, Libc, Helper), Path(Helper, 1, Libc),
        Path(Curl, 20, Ssl, Zlib), Path(Git, 30, Curl, Zlib), Path(Wget, 20, Ssl),
    ];

    [Fact]
    public void Plan_PutsAPathSharedByTwoHeadsWithTheMorePopularOne_SoTheLayerIsTheSameInImagesWithOnlyThatHead()
    {
        var strategy = new EconomyStrategy();
        var context = new LayeringContext(94, Counts);
        var all = Paths();

        // helper is below both ssl (900) and zlib (200): it goes with ssl, as in an image without zlib.
        var git = strategy.Plan(new RuntimeGraph(all, [Git]), context);
        var wget = strategy.Plan(new RuntimeGraph(all.Where(p => p.Path != Git && p.Path != Curl && p.Path != Zlib).ToList(), [Wget]), context);

        var sslLayer = git.Layers.Single(l => l.StorePaths.Contains(Ssl));
        Assert.Equal([Ssl, Helper], sslLayer.StorePaths);
        Assert.Contains(wget.Layers, l => l.StorePaths.SequenceEqual(sslLayer.StorePaths));
    }

    [Fact]
    public void Plan_OverBudget_MergesTheLayersWorthLeastIntoTheTopLayer()
    {
        var plan = new EconomyStrategy().Plan(new RuntimeGraph(Paths(), [Git, Wget]), new LayeringContext(3, Counts));

        Assert.Equal(3, plan.Layers.Count);
        Assert.Equal([Libc], plan.Layers[0].StorePaths); // most popular x bytes lowest
        Assert.Contains(Git, plan.Layers[^1].StorePaths);
    }

    [Fact]
    public void Plan_StacksALibraryThatAPopularLibraryPullsInAsCommonAsThatLibrary_NotByItsOwnFewReferrers()
    {
        // big (popularity 61: a head) is pulled in by base (popularity 5000); app is requested (popularity 0).
        // By its own popularity big would weigh 62 x 40 = 2480, less than base's 5001 x 1; inherited from base it
        // weighs 5001 x 40 and goes lowest, then base (5001), then app (1 x 500).
        string Base = Of('a', "base"), Big = Of('b', "big"), App = Of('c', "app");
        var counts = new Popularity([new("base", 5000), new("big", 61)]);
        var graph = new RuntimeGraph([Path(Base, 1, Big), Path(Big, 40), Path(App, 500, Base)], [App]);

        var plan = new EconomyStrategy().Plan(graph, new LayeringContext(94, counts));

        Assert.Equal([[Big], [Base], [App]], plan.Layers.Select(l => l.StorePaths.ToArray()).ToArray());
    }

    [Fact]
    public void Plan_WithClosureCounts_StacksByHowManyPackagesHoldALayer_NotByItsReferrers()
    {
        // Both heads have 100 referrers, so by referrers the bigger (tools, 30 bytes) goes lowest. But shell is in the
        // closure of 9000 packages and tools in 50: by closure counts shell (9001 x 20) goes below tools (51 x 30).
        string Shell = Of('a', "shell"), Tools = Of('b', "tools"), App = Of('c', "app");
        var referrers = new Popularity([new("shell", 100), new("tools", 100)]);
        var closures = new Popularity([new("shell", 9000), new("tools", 50), new("app", 0)]);
        var graph = new RuntimeGraph([Path(Shell, 20), Path(Tools, 30), Path(App, 1, Shell, Tools)], [App]);
        var strategy = new EconomyStrategy();

        var byReferrers = strategy.Plan(graph, new LayeringContext(94, referrers));
        var byClosures = strategy.Plan(graph, new LayeringContext(94, referrers, ClosurePopularity: closures));
        var emptyClosures = strategy.Plan(graph, new LayeringContext(94, referrers, ClosurePopularity: Popularity.Empty));

        Assert.Equal([[Tools], [Shell], [App]], byReferrers.Layers.Select(l => l.StorePaths.ToArray()).ToArray());
        Assert.Equal([[Shell], [Tools], [App]], byClosures.Layers.Select(l => l.StorePaths.ToArray()).ToArray());
        Assert.Equal(byReferrers.Layers.Select(l => l.StorePaths.ToArray()).ToArray(), emptyClosures.Layers.Select(l => l.StorePaths.ToArray()).ToArray());
        // Only the order changes: the same layers either way.
        Assert.Equal(byReferrers.Layers.Select(l => string.Join(',', l.StorePaths)).Order(), byClosures.Layers.Select(l => string.Join(',', l.StorePaths)).Order());
    }

    [Fact]
    public void Plan_WithClosureCounts_PutsASharedPathWithTheHeadThatMorePackagesHold()
    {
        // helper is below ssl (900 referrers) and zlib (200). By referrers it goes with ssl; but zlib is in the closure of
        // 40000 packages and ssl of 3000, so with closure counts it goes with zlib, in the layer more images share.
        var closures = new Popularity([new("libc", 60000), new("ssl", 3000), new("zlib", 40000), new("helper", 41000)]);
        var graph = new RuntimeGraph(Paths(), [Git]);

        var byReferrers = new EconomyStrategy().Plan(graph, new LayeringContext(94, Counts));
        var byClosures = new EconomyStrategy().Plan(graph, new LayeringContext(94, Counts, ClosurePopularity: closures));

        Assert.Contains(byReferrers.Layers, l => l.StorePaths.SequenceEqual([Ssl, Helper]));
        Assert.Contains(byClosures.Layers, l => l.StorePaths.SequenceEqual([Zlib, Helper]));
        Assert.Contains(byClosures.Layers, l => l.StorePaths.SequenceEqual([Ssl]));
    }

    [Fact]
    public void Plan_WithClosureCounts_JoinsAPopularHeadToAHeadAboveThatNearlyEveryPackageHoldingItHolds()
    {
        // ssl (900 referrers) and zlib (200) are heads for their popularity; curl, which refers to both, is not one; git is
        // requested, so a head. git is in 2500 closures: 83 % of ssl's 3000, so ssl joins git's layer; but only 6 % of
        // zlib's 40000, so zlib keeps its layer (with helper, which zlib, the head more packages hold, reaches too).
        var closures = new Popularity(
            [new("libc", 60000), new("helper", 41000), new("zlib", 40000), new("ssl", 3000), new("curl", 2900), new("git", 2500)]);
        var graph = new RuntimeGraph(Paths().Where(p => p.Path != Wget).ToList(), [Git]);
        var context = new LayeringContext(94, Counts, ClosurePopularity: closures);

        var joined = new EconomyStrategy().Plan(graph, context);
        var apart = new EconomyStrategy(new EconomyOptions { JoinShare = 1.01 }).Plan(graph, context);

        string[][] Layers(LayerPlan plan) => plan.Layers.Select(l => l.StorePaths.Order().ToArray()).ToArray();
        Assert.Equal([[Libc], new[] { Zlib, Helper }.Order().ToArray(), new[] { Ssl, Curl, Git }.Order().ToArray()], Layers(joined));
        Assert.Equal([[Libc], new[] { Zlib, Helper }.Order().ToArray(), [Ssl], new[] { Curl, Git }.Order().ToArray()], Layers(apart));
    }

    [Fact]
    public void Plan_WithClosureCounts_LeavesABigPathItsLayer_EvenWhenEveryPackageHoldingItHoldsTheHeadAbove()
    {
        string Data = Of('a', "data"), App = Of('b', "app");
        var referrers = new Popularity([new("data", 500)]);
        var closures = new Popularity([new("data", 100), new("app", 100)]);
        var graph = new RuntimeGraph([Path(Data, 30_000_000), Path(App, 10, Data)], [App]);

        var small = new RuntimeGraph([Path(Data, 30), Path(App, 10, Data)], [App]);
        var context = new LayeringContext(94, referrers, ClosurePopularity: closures);

        var plan = new EconomyStrategy().Plan(graph, context);
        var smallPlan = new EconomyStrategy().Plan(small, context);

        Assert.Equal([[Data], [App]], plan.Layers.Select(l => l.StorePaths.ToArray()).ToArray());
        // The same path, small: it heads a layer for its popularity alone, so it joins app's.
        Assert.Equal([[Data, App]], smallPlan.Layers.Select(l => l.StorePaths.ToArray()).ToArray());
    }

    [Fact]
    public void Plan_WithStackingExponentZero_StacksByBytesAlone()
    {
        string Base = Of('a', "base"), Big = Of('b', "big"), App = Of('c', "app");
        var counts = new Popularity([new("base", 5000), new("big", 61)]);
        var graph = new RuntimeGraph([Path(Base, 1, Big), Path(Big, 40), Path(App, 500, Base)], [App]);

        var plan = new EconomyStrategy(new EconomyOptions { StackingExponent = 0 }).Plan(graph, new LayeringContext(94, counts));

        Assert.Equal([[App], [Big], [Base]], plan.Layers.Select(l => l.StorePaths.ToArray()).ToArray());
    }

    [Fact]
    public void Plan_AtALargeBudget_GivesPathsAboveAThirdOfThePopularThresholdALayer_AtASmallOneOnlyAbovePopularThreshold()
    {
        // mid (popularity 30) is below the threshold of 60 but above 60 / 3 = 20: its own layer from budget 64 on.
        string Libc = Of('a', "libc"), Mid = Of('b', "mid"), App = Of('c', "app");
        var counts = new Popularity([new("libc", 5000), new("mid", 30)]);
        var graph = new RuntimeGraph([Path(Libc, 100), Path(Mid, 10, Libc), Path(App, 20, Mid)], [App]);
        var strategy = new EconomyStrategy();

        var large = strategy.Plan(graph, new LayeringContext(64, counts));
        var small = strategy.Plan(graph, new LayeringContext(63, counts));
        var undivided = new EconomyStrategy(new EconomyOptions { LargeBudgetThresholdDivisor = 1 }).Plan(graph, new LayeringContext(94, counts));

        Assert.Contains(large.Layers, l => l.StorePaths.SequenceEqual([Mid]));
        Assert.Contains(small.Layers, l => l.StorePaths.SequenceEqual(new[] { App, Mid }.Order(StringComparer.Ordinal)));
        Assert.Equal(small.Layers.Select(l => l.StorePaths.ToArray()), undivided.Layers.Select(l => l.StorePaths.ToArray()));
    }

    [Fact]
    public void Plan_OverBudget_KeepsABigLayerOfFewImagesAndMergesASmallPopularOne_ByDefault_AndTheOtherWayWithMergeExponentOne()
    {
        // Budget 3: libc keeps a layer; of tools (popularity 0, 400 bytes) and small (popularity 900, 20 bytes) one more
        // does. By bytes tools is worth more (400 against 900^0.25 x 20 = 110); by popularity x bytes small is (18,020 against 400).
        string Libc = Of('a', "libc"), Small = Of('b', "small"), Tools = Of('c', "tools"), App = Of('d', "app");
        var counts = new Popularity([new("libc", 5000), new("small", 900)]);
        var graph = new RuntimeGraph([Path(Libc, 100), Path(Small, 20, Libc), Path(Tools, 400, Libc), Path(App, 1, Small)], [App, Tools]);

        var byDefault = new EconomyStrategy().Plan(graph, new LayeringContext(3, counts));
        var byPopularity = new EconomyStrategy(new EconomyOptions { MergeExponent = 1 }).Plan(graph, new LayeringContext(3, counts));

        Assert.Contains(byDefault.Layers, l => l.StorePaths.SequenceEqual([Tools]));
        Assert.Contains(Small, byDefault.Layers[^1].StorePaths);
        Assert.Contains(byPopularity.Layers, l => l.StorePaths.SequenceEqual([Small]));
        Assert.Contains(Tools, byPopularity.Layers[^1].StorePaths);
    }

    [Fact]
    public void Plan_AtALargeBudget_GivesAPathOf25MegabytesALayer_AtASmallOneOnlyFrom50()
    {
        // data (30 MB, popularity 0) is reached from app only: its own layer at budget 64, with app at 63.
        string Libc = Of('a', "libc"), Data = Of('b', "data"), App = Of('c', "app");
        var counts = new Popularity([new("libc", 5000)]);
        var graph = new RuntimeGraph([Path(Libc, 100), Path(Data, 30_000_000), Path(App, 20, Data, Libc)], [App]);
        var strategy = new EconomyStrategy();

        var large = strategy.Plan(graph, new LayeringContext(64, counts));
        var small = strategy.Plan(graph, new LayeringContext(63, counts));
        var undivided = new EconomyStrategy(new EconomyOptions { LargeBudgetBigPathThreshold = 50_000_000 }).Plan(graph, new LayeringContext(64, counts));

        Assert.Contains(large.Layers, l => l.StorePaths.SequenceEqual([Data]));
        Assert.Contains(small.Layers, l => l.StorePaths.SequenceEqual(new[] { App, Data }.Order(StringComparer.Ordinal)));
        Assert.Equal(small.Layers.Select(l => l.StorePaths.ToArray()), undivided.Layers.Select(l => l.StorePaths.ToArray()));
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(-2, 1.0)]
    [InlineData(3, -0.5)]
    [InlineData(3, double.NaN)]
    [InlineData(3, double.PositiveInfinity)]
    public void Constructor_RejectsADivisorBelowOneOrAStackingExponentThatIsNegativeOrNotFinite(int divisor, double exponent)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new EconomyStrategy(new EconomyOptions { LargeBudgetThresholdDivisor = divisor, StackingExponent = exponent }));
        Assert.Contains(divisor < 1 ? "LargeBudgetThresholdDivisor" : "StackingExponent", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.25)]
    [InlineData(double.NaN)]
    public void Constructor_RejectsAMergeExponentThatIsNegativeOrNotFinite(double exponent)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EconomyStrategy(new EconomyOptions { MergeExponent = exponent }));
        Assert.Contains("MergeExponent", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_RejectsAJoinShareThatIsNotAboveZeroOrNotFinite(double share)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EconomyStrategy(new EconomyOptions { JoinShare = share }));
        Assert.Contains("JoinShare", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BindFromTheStrategysConfigurationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            new("Nixery:Layering:economy:LargeBudget", "50"),
            new("Nixery:Layering:economy:LargeBudgetThresholdDivisor", "4"),
            new("Nixery:Layering:economy:StackingExponent", "0.5"),
            new("Nixery:Layering:economy:JoinShare", "0.9"),
        ]).Build();
        var services = new ServiceCollection();
        services.AddNixery(configuration.GetSection("Nixery"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<EconomyOptions>>().Value;

        Assert.Equal((50, 4, 0.5, 0.9), (options.LargeBudget, options.LargeBudgetThresholdDivisor, options.StackingExponent, options.JoinShare));
    }

    [Fact]
    public void InheritedPopularity_IsTheHighestPopularityOfAPathAndEveryPathAboveIt()
    {
        // 3 -> 2 -> 0 and 3 -> 1 (edges from higher to lower numbers, as in the condensation).
        var dag = Nixery.Layering.Graphs.Digraph.FromEdges(4, [(3, 2), (2, 0), (3, 1)]);

        Assert.Equal([70, 70, 70, 70], EconomyStrategy.InheritedPopularity(dag, [5, 2, 9, 70]));
        Assert.Equal([9, 2, 9, 1], EconomyStrategy.InheritedPopularity(dag, [5, 2, 9, 1]));
    }
}
