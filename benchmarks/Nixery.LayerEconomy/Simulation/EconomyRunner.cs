using System.Diagnostics;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using Nixery.LayerEconomy.Debian;
using Nixery.LayerEconomy.Workloads;

namespace Nixery.LayerEconomy.Simulation;

/// <summary>
/// Replays the two workloads for every strategy and budget: one client pulls the fleet in order into an empty
/// cache, then, after the security update, pulls the same fleet again.
/// </summary>
public sealed class EconomyRunner
{
    private readonly PackageGraph _graph;
    private readonly IReadOnlyList<ImageSpec> _fleet;
    private readonly List<RuntimeGraph> _before;
    private readonly List<RuntimeGraph> _after;
    private readonly Dictionary<string, long> _sizes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PathContent> _contents = new(StringComparer.Ordinal);
    private readonly double _rewrittenShare;

    /// <summary>Prepares the images of both generations.</summary>
    /// <param name="graph">The package graph.</param>
    /// <param name="fleet">The images, in pull order.</param>
    /// <param name="updatedPackages">Debian package names that get a new store path in the update (with their dependents).</param>
    /// <param name="rewrittenShare">
    /// For file-level partial pulls: the share of the bytes of a path rebuilt only because a dependency changed that
    /// differs from its previous build (files that embed the dependencies' store paths). The graph has no file lists,
    /// so this is an assumption: 1 makes the file level the path floor, 0 counts only the updated packages themselves.
    /// </param>
    /// <param name="closureCounts">Whether the strategies get closure counts (<see cref="LayeringContext.ClosurePopularity"/>) besides the referrer counts.</param>
    public EconomyRunner(
        PackageGraph graph, IReadOnlyList<ImageSpec> fleet, IEnumerable<string> updatedPackages, double rewrittenShare = DefaultRewrittenShare, bool closureCounts = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rewrittenShare, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rewrittenShare, 1);
        _rewrittenShare = rewrittenShare;
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(updatedPackages);
        _graph = graph;
        _fleet = fleet;
        var updated = updatedPackages.Select(graph.NodeOfPackage).Where(n => n >= 0).Distinct().ToList();
        UpdatedPackages = updated.Count;
        var rebuilt = graph.DependentsOf(updated);
        RebuiltPaths = rebuilt.Count(r => r);
        var pathCache = new string?[2, graph.Count];
        string PathOf(int node, int generation) => pathCache[generation, node] ??= graph.StorePathOf(node, generation);

        _before = fleet.Select(i => graph.ImageGraph(i.Packages, n => PathOf(n, 0))).ToList();
        _after = fleet.Select(i => graph.ImageGraph(i.Packages, n => PathOf(n, rebuilt[n] ? 1 : 0))).ToList();
        foreach (var p in _before.Concat(_after).SelectMany(g => g.Paths))
        {
            _sizes[p.Path] = p.NarSize;
        }

        var own = updated.ToHashSet();
        for (var node = 0; node < graph.Count; node++)
        {
            if (rebuilt[node] && !own.Contains(node))
            {
                _contents[PathOf(node, 1)] = new PathContent(PathOf(node, 0));
            }
        }

        Popularity = new Popularity(EconomyReport.Popularity(graph));
        // Every node's, as a host would have them for its whole package set (a fraction of a second for Debian's graph).
        ClosurePopularity = closureCounts ? new Popularity(EconomyReport.ClosureCounts(graph)) : null;
    }

    /// <summary>The share of a path rebuilt for its dependencies that file-level pulls fetch, unless told otherwise: a guess (see docs/layer-economy.md).</summary>
    public const double DefaultRewrittenShare = 0.1;

    /// <summary>The share of a path rebuilt for its dependencies that file-level pulls fetch in this run.</summary>
    public double RewrittenShare => _rewrittenShare;

    /// <summary>The popularity data given to the strategies: how many store paths of the whole graph refer to each.</summary>
    public Popularity Popularity { get; }

    /// <summary>The closure counts given to the strategies (how many packages of the whole graph hold each path), or null when they get none.</summary>
    public Popularity? ClosurePopularity { get; }

    /// <summary>Security-updated packages found in the graph.</summary>
    public int UpdatedPackages { get; }

    /// <summary>Store paths of the whole graph that the update rebuilds.</summary>
    public int RebuiltPaths { get; }

    /// <summary>Total bytes of the fleet's images (every image's closure, counted per image).</summary>
    public long FleetImageBytes => _before.Sum(g => g.TotalNarSize);

    /// <summary>The fleet's image closures before the update.</summary>
    public IReadOnlyList<RuntimeGraph> Before => _before;

    /// <summary>Runs one strategy at one budget.</summary>
    public StrategyResult Run(ILayerStrategy strategy, int budget)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var context = new LayeringContext(budget, Popularity, ClosurePopularity: ClosurePopularity);
        var time = new Stopwatch();
        var slowest = TimeSpan.Zero;
        LayerPlan PlanOf(RuntimeGraph g)
        {
            var start = time.Elapsed;
            time.Start();
            var plan = strategy.Plan(g, context);
            time.Stop();
            var took = time.Elapsed - start;
            slowest = took > slowest ? took : slowest;
            return plan;
        }

        var before = _before.Select(PlanOf).ToList();
        var after = _after.Select(PlanOf).ToList();

        var client = new PullClient();
        var fleet = PullTotals.Zero;
        foreach (var plan in before)
        {
            fleet = fleet.Add(client.Pull(plan, _sizes, _contents, _rewrittenShare));
        }

        var update = PullTotals.Zero;
        foreach (var plan in after)
        {
            update = update.Add(client.Pull(plan, _sizes, _contents, _rewrittenShare));
        }

        var registry = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var layer in before.SelectMany(p => p.Layers))
        {
            registry.TryAdd(PullClient.KeyOf(layer), layer.NarSize);
        }

        var registryBefore = registry.Values.Sum();
        foreach (var layer in after.SelectMany(p => p.Layers))
        {
            registry.TryAdd(PullClient.KeyOf(layer), layer.NarSize);
        }

        return new StrategyResult(
            strategy.Name, budget, fleet, update, registryBefore, registry.Values.Sum() - registryBefore,
            before.Average(p => p.Layers.Count), before.Max(p => p.Layers.Count),
            before.SelectMany(p => p.Layers).Select(l => l.NarSize).DefaultIfEmpty().Max(),
            time.Elapsed.TotalMilliseconds, slowest.TotalMilliseconds);
    }
}
