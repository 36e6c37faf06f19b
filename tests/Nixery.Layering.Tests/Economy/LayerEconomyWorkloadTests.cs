using Nixery.Abstractions.Layering;
using Nixery.LayerEconomy;
using Nixery.LayerEconomy.Simulation;

namespace Nixery.Layering.Tests.Economy;

/// <summary>The layer-economy benchmark's core on a small fleet of the real Debian graph, so it cannot rot.</summary>
public class LayerEconomyWorkloadTests
{
    private static readonly string DataDirectory = FindData();

    [Fact]
    public void SmallFleet_RunsEveryStrategy_PerPathDownloadsExactlyTheFloor_AndEveryBudgetedStrategyKeepsItsBudget()
    {
        var (graph, updated) = EconomyReport.Load(DataDirectory);

        var (runner, results) = EconomyReport.Run(graph, updated, images: 12, seed: 1, budgets: [24], EconomyReport.Strategies());

        Assert.Equal(BuiltInStrategies.Names.Count, results.Count);
        Assert.True(graph.Count < graph.PackageCount, "cycles must be condensed");
        var perPath = results.Single(r => r.Strategy == PerPathStrategy.StrategyName);
        Assert.Equal(perPath.Fleet.FloorBytes, perPath.Fleet.DigestBytes);
        Assert.Equal(perPath.Update.FloorBytes, perPath.Update.DigestBytes);
        foreach (var r in results.Where(r => r.Strategy != PerPathStrategy.StrategyName))
        {
            Assert.InRange(r.MaxLayers, 1, 24);
            Assert.InRange(r.Fleet.DigestBytes, r.Fleet.FloorBytes, r.Fleet.ImageBytes);
            Assert.InRange(r.Fleet.ChainBytes, r.Fleet.DigestBytes, r.Fleet.ImageBytes);
        }

        var single = results.Single(r => r.Strategy == SingleLayerStrategy.StrategyName);
        Assert.True(results.All(r => r.Fleet.DigestBytes <= single.Fleet.DigestBytes));
        var markdown = EconomyReport.Markdown(runner, results, 12, 1);
        Assert.Contains("| **economy** | 24 |", markdown, StringComparison.Ordinal);
        Assert.StartsWith("<svg", EconomyReport.Svg(results), StringComparison.Ordinal);
    }

    [Fact]
    public void FileLevelPulls_FetchThePathFloorForTheFleet_AndForTheUpdateOnlyTheRewrittenShareOfPathsRebuiltForTheirDependencies()
    {
        var (graph, updated) = EconomyReport.Load(DataDirectory);
        var strategies = EconomyReport.Strategies().Where(s => s.Name is EconomyStrategy.StrategyName or SingleLayerStrategy.StrategyName).ToList();

        var (_, whole) = EconomyReport.Run(graph, updated, images: 12, seed: 2, budgets: [24], strategies, rewrittenShare: 1);
        var (_, tenth) = EconomyReport.Run(graph, updated, images: 12, seed: 2, budgets: [24], strategies, rewrittenShare: 0.1);
        var (_, none) = EconomyReport.Run(graph, updated, images: 12, seed: 2, budgets: [24], strategies, rewrittenShare: 0);

        foreach (var (w, t, n) in whole.Zip(tenth, none))
        {
            // Before the update every new path is new content: partial pulls cannot beat the floor, and reach it.
            Assert.Equal(w.Fleet.FloorBytes, w.Fleet.FileBytes);
            Assert.Equal(w.Fleet.FileBytes, t.Fleet.FileBytes);
            // After it, paths rebuilt only for a dependency are mostly files the client has.
            Assert.Equal(w.Update.FloorBytes, w.Update.FileBytes);
            Assert.True(n.Update.FileBytes < t.Update.FileBytes && t.Update.FileBytes < w.Update.FileBytes,
                $"{w.Strategy}: update file-level {n.Update.FileBytes} / {t.Update.FileBytes} / {w.Update.FileBytes} bytes at shares 0 / 0.1 / 1");
            Assert.True(t.Update.FileBytes <= t.Update.DigestBytes);
        }
    }

    [Fact]
    public void ClosureCounts_HoldLibcAmongTheMostHeld_AndTheFleetOrderBoundOnlyRestacksEconomysLayers()
    {
        var (graph, updated) = EconomyReport.Load(DataDirectory);
        var economy = EconomyReport.Strategies().Where(s => s.Name == EconomyStrategy.StrategyName).ToList();

        var (runner, withCounts) = EconomyReport.Run(graph, updated, images: 12, seed: 3, budgets: [94], economy, fleetOrderBound: true);
        var (plain, without) = EconomyReport.Run(graph, updated, images: 12, seed: 3, budgets: [94], economy, closureCounts: false);

        Assert.Null(plain.ClosurePopularity);
        var closures = runner.ClosurePopularity!;
        var libc = closures.Counts.Where(c => c.Key.StartsWith("libc6", StringComparison.Ordinal)).Max(c => c.Value);
        Assert.True(libc > 40_000, $"libc6 is in the closure of {libc} packages");
        Assert.Contains(libc, closures.Counts.Values.OrderDescending().Take(5)); // with what libc itself depends on
        Assert.Equal([EconomyStrategy.StrategyName, FleetOrderBound.StrategyName], withCounts.Select(r => r.Strategy));
        // The bound restacks economy's layers: the same blobs, so the same bytes by digest and in the registry.
        Assert.Equal(withCounts[0].Fleet.DigestBytes, withCounts[1].Fleet.DigestBytes);
        Assert.Equal(withCounts[0].RegistryBytes, withCounts[1].RegistryBytes);
        // Closure counts change economy's layers (a head joins the one above it): fewer layers per image here.
        Assert.True(withCounts[0].MeanLayers < without[0].MeanLayers, $"{withCounts[0].MeanLayers} layers per image with closure counts, {without[0].MeanLayers} without");
    }

    [Fact]
    public void FleetOrderBound_StacksEachImagesLayersByHowManyOfTheFleetsImagesHoldThem_TimesBytes()
    {
        var (graph, updated) = EconomyReport.Load(DataDirectory);
        var (runner, _) = EconomyReport.Run(graph, updated, images: 12, seed: 4, budgets: [94], []);
        var economy = new EconomyStrategy();
        var context = new LayeringContext(94, runner.Popularity, ClosurePopularity: runner.ClosurePopularity);
        var plans = runner.Before.Select(g => economy.Plan(g, context)).ToList();
        var held = plans.SelectMany(p => p.Layers).GroupBy(PullClient.KeyOf).ToDictionary(g => g.Key, g => g.Count());
        var bound = new FleetOrderBound(economy, runner.Before);

        var reordered = 0;
        foreach (var (image, plan) in runner.Before.Zip(plans))
        {
            var stacked = bound.Plan(image, context).Layers;
            Assert.Equal(plan.Layers.Select(PullClient.KeyOf).Order(), stacked.Select(PullClient.KeyOf).Order());
            var weights = stacked.Select(l => Math.Pow(held[PullClient.KeyOf(l)] + 1.0, 1.5) * l.NarSize).ToList();
            Assert.True(weights.Zip(weights.Skip(1)).All(w => w.First >= w.Second), "layers not stacked by (images + 1)^1.5 x bytes, highest lowest");
            reordered += plan.Layers.Select(PullClient.KeyOf).SequenceEqual(stacked.Select(PullClient.KeyOf)) ? 0 : 1;
        }

        Assert.True(reordered > 0, "the bound stacked every image as economy does");
    }

    [Fact]
    public void Popularity_OfTheDebianGraph_CountsReferrers_LibcBeingAmongTheMostReferred()
    {
        var (graph, _) = EconomyReport.Load(DataDirectory);

        var map = EconomyReport.Popularity(graph);

        Assert.Equal(graph.Count, map.Count);
        var libc = map.Single(kv => kv.Key.StartsWith("libc6", StringComparison.Ordinal) && graph.NodeOfPackage("libc6") >= 0 && kv.Key == graph.NameOf(graph.NodeOfPackage("libc6")));
        Assert.True(libc.Value > 10_000, $"libc6 has {libc.Value} referrers");
    }

    // The repository's own copy (data/README.md says where it comes from), so a clone alone runs the tests.
    private static string FindData() => Path.Combine(Nixery.Testing.RepositoryRoot.Path, "data", "debian-graph");
}
