using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.Layering;
using Nixery.Layering.Graphs;
using Nixery.LayerEconomy;
using Nixery.LayerEconomy.Debian;

namespace Nixery.Benchmarks.Layering;

/// <summary>
/// Layering time on Debian's graph (cycles condensed): a closure of about 5,000 paths and the whole graph
/// (63k paths, every path nothing refers to as top level). The dominator tree alone, then every strategy,
/// the original's strategy being the baseline. Data: data/debian-graph (NIXERY_DEBIAN_GRAPH overrides).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 7)]
[MemoryDiagnoser]
public class LayeringBenchmarks
{
    private RuntimeGraph _graph = null!;
    private LayeringContext _context = null!;
    private LayeringContext _closureContext = null!;
    private readonly Dictionary<string, ILayerStrategy> _strategies = BuiltIn();

    // The strategies as the engine registers them, with their default settings.
    private static Dictionary<string, ILayerStrategy> BuiltIn()
    {
        var services = new ServiceCollection();
        services.AddNixery();
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<ILayerStrategy>().ToDictionary(s => s.Name);
    }

    /// <summary>Which input.</summary>
    [Params("closure-5000", "whole-graph")]
    public string Input { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable("NIXERY_DEBIAN_GRAPH") ?? FindData();
        var (graph, _) = EconomyReport.Load(data);
        var popularity = EconomyReport.Popularity(graph);
        _context = new LayeringContext(LayeringContext.DefaultBudget, new Popularity(popularity));
        _closureContext = _context with { ClosurePopularity = new Popularity(EconomyReport.ClosureCounts(graph)) };
        var pathOf = Enumerable.Range(0, graph.Count).Select(v => graph.StorePathOf(v, 0)).ToArray();
        List<int> roots;
        if (Input == "whole-graph")
        {
            var referred = new bool[graph.Count];
            for (var v = 0; v < graph.Count; v++)
            {
                foreach (var w in graph.ReferencesOf(v))
                {
                    referred[w] = true;
                }
            }

            roots = Enumerable.Range(0, graph.Count).Where(v => !referred[v]).ToList();
        }
        else
        {
            // Packages in name order, seeded shuffle, added until the closure holds 5,000 paths.
            var random = new Random(5000);
            var order = Enumerable.Range(0, graph.Count).ToArray();
            random.Shuffle(order);
            roots = [];
            var size = 0;
            for (var i = 0; size < 5000; i++)
            {
                roots.Add(order[i]);
                size = graph.Closure(roots).Count;
                if (size > 5200)
                {
                    roots.RemoveAt(roots.Count - 1);
                }
            }
        }

        _graph = graph.ImageGraph(roots, v => pathOf[v]);
        Console.WriteLine($"// {Input}: {_graph.Paths.Count} paths, {_graph.TopLevel.Count} top-level");
    }

    [Benchmark(Description = "dominator tree (graph build + Lengauer-Tarjan)")]
    public int DominatorTreeOnly()
    {
        var paths = StorePathGraph.Build(_graph);
        var tree = DominatorTree.Compute(paths.References.WithExtraNode(paths.TopLevel), paths.NodeCount);
        return tree.ReachableInPreorder.Length;
    }

    [Benchmark(Baseline = true, Description = "popularity-dominator")]
    public int PopularityDominator() => Plan(PopularityDominatorStrategy.StrategyName);

    [Benchmark(Description = "economy")]
    public int Economy() => Plan(EconomyStrategy.StrategyName);

    [Benchmark(Description = "economy, with closure counts")]
    public int EconomyWithClosureCounts() => _strategies[EconomyStrategy.StrategyName].Plan(_graph, _closureContext).Layers.Count;

    [Benchmark(Description = "nixpkgs-popularity")]
    public int NixpkgsPopularity() => Plan(PopularityContestStrategy.StrategyName);

    [Benchmark(Description = "nixpkgs-size")]
    public int NixpkgsSize() => Plan(SizeAnchoredStrategy.StrategyName);

    [Benchmark(Description = "single-layer")]
    public int SingleLayer() => Plan(SingleLayerStrategy.StrategyName);

    [Benchmark(Description = "per-path")]
    public int PerPath() => Plan(PerPathStrategy.StrategyName);

    private int Plan(string name) => _strategies[name].Plan(_graph, _context).Layers.Count;

    // The repository's data/ beside Nixery.slnx, found from the benchmark's output directory upwards.
    private static string FindData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nixery.slnx")))
            {
                return Path.Combine(dir.FullName, "data", "debian-graph");
            }
        }

        return Path.Combine("data", "debian-graph");
    }
}
