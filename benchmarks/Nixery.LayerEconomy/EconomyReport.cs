using System.Globalization;
using System.IO.Compression;
using System.Text;
using Nixery.Abstractions.Layering;
using Nixery.Layering;
using Nixery.LayerEconomy.Debian;
using Nixery.LayerEconomy.Simulation;
using Nixery.LayerEconomy.Workloads;

namespace Nixery.LayerEconomy;

/// <summary>The benchmark's core: loads the data, runs every strategy at every budget, renders the Markdown table and the chart.</summary>
public static class EconomyReport
{
    /// <summary>The strategies compared, in table order.</summary>
    public static IReadOnlyList<ILayerStrategy> Strategies() => Strategies(null);

    /// <summary>
    /// The strategies compared, with <c>economy</c>'s options set from <paramref name="economyOptions"/>
    /// (<c>"PopularThreshold=160;BigPathThreshold=50000000"</c>: properties of <see cref="EconomyOptions"/>), for trying variants.
    /// </summary>
    public static IReadOnlyList<ILayerStrategy> Strategies(string? economyOptions) =>
    [
        new EconomyStrategy(ParseOptions(economyOptions)), new PopularityDominatorStrategy(), new PopularityContestStrategy(),
        new SizeAnchoredStrategy(), new SingleLayerStrategy(), new PerPathStrategy(),
    ];

    /// <summary>Sets the <see cref="EconomyOptions"/> properties named in <c>"Name=value;..."</c>.</summary>
    public static EconomyOptions ParseOptions(string? text)
    {
        var options = new EconomyOptions();
        foreach (var pair in (text ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var property = eq > 0 ? typeof(EconomyOptions).GetProperty(pair[..eq].Trim()) : null;
            if (property is null)
            {
                throw new ArgumentException($"'{pair}' does not set a property of EconomyOptions.", nameof(text));
            }

            var value = pair[(eq + 1)..].Trim();
            property.SetValue(options, property.PropertyType.IsEnum
                ? Enum.Parse(property.PropertyType, value, ignoreCase: true)
                : Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
        }

        return options;
    }

    /// <summary>Loads the graph and the update list from the <c>debian-graph</c> directory.</summary>
    public static (PackageGraph Graph, List<string> Updated) Load(string dataDirectory)
    {
        var tsv = Path.Combine(dataDirectory, "debian-bookworm-amd64.tsv.gz");
        var updates = Path.Combine(dataDirectory, "bookworm-security-updated.txt.gz");
        if (!File.Exists(tsv) || !File.Exists(updates))
        {
            throw new FileNotFoundException(
                $"The Debian graph data is not at '{Path.GetFullPath(dataDirectory)}' (expected debian-bookworm-amd64.tsv.gz and " +
                "bookworm-security-updated.txt.gz; the repository holds it in data/debian-graph; run from the repository root or pass --data).");
        }

        var updated = new List<string>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(updates), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim() is { Length: > 0 } name && name[0] != '#')
            {
                updated.Add(name);
            }
        }

        return (PackageGraph.Load(tsv), updated);
    }

    /// <summary>Runs everything; <paramref name="progress"/> hears each result as it comes.</summary>
    public static (EconomyRunner Runner, List<StrategyResult> Results) Run(
        PackageGraph graph, IReadOnlyList<string> updated, int images, int seed, IReadOnlyList<int> budgets,
        IReadOnlyList<ILayerStrategy> strategies, Action<StrategyResult>? progress = null,
        double rewrittenShare = EconomyRunner.DefaultRewrittenShare, bool closureCounts = true, bool fleetOrderBound = false)
    {
        var runner = new EconomyRunner(graph, FleetGenerator.Generate(graph, images, seed), updated, rewrittenShare, closureCounts);
        if (fleetOrderBound && strategies.FirstOrDefault(s => s.Name == EconomyStrategy.StrategyName) is { } economy)
        {
            strategies = [.. strategies, new FleetOrderBound(economy, runner.Before)];
        }

        var results = new List<StrategyResult>();
        foreach (var budget in budgets)
        {
            foreach (var strategy in strategies)
            {
                var result = runner.Run(strategy, budget);
                progress?.Invoke(result);
                results.Add(result);
            }
        }

        return (runner, results);
    }

    /// <summary>The Markdown tables of one run.</summary>
    public static string Markdown(EconomyRunner runner, IReadOnlyList<StrategyResult> results, int images, int seed)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return Markdown(
            $"Fleet: {images} images, seed {seed}, {Gb(runner.FleetImageBytes)} GB of image content in all. " +
            $"Update: {runner.UpdatedPackages} updated packages rebuild {runner.RebuiltPaths:N0} of the graph's store paths; " +
            $"file-level pulls fetch {runner.RewrittenShare:P0} of a path rebuilt only for its dependencies.",
            results);
    }

    /// <summary>The detailed table of <paramref name="results"/> (one seed, or means over seeds) under <paramref name="heading"/>.</summary>
    public static string Markdown(string heading, IReadOnlyList<StrategyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var s = new StringBuilder();
        s.AppendLine(heading);
        s.AppendLine();
        s.AppendLine("| strategy | budget | fleet GB by digest | fleet GB by chain | fleet GB file-level | floor GB | hit ratio (count / bytes) | registry GB | layers/image (max) | largest layer MB | update GB by digest | update GB by chain | update GB file-level | update floor GB | layering ms (total / slowest) |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var bold = r.Strategy == EconomyStrategy.StrategyName ? "**" : "";
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {bold}{r.Strategy}{bold} | {r.Budget} | {bold}{Gb(r.Fleet.DigestBytes)}{bold} | {bold}{Gb(r.Fleet.ChainBytes)}{bold} | {Gb(r.Fleet.FileBytes)} | {Gb(r.Fleet.FloorBytes)} | " +
                $"{r.Fleet.HitRatioByCount:P0} / {r.Fleet.HitRatioByBytes:P0} | {Gb(r.RegistryBytes)} | {r.MeanLayers:F1} ({r.MaxLayers}) | {r.LargestLayerBytes / 1e6:F0} | " +
                $"{Gb(r.Update.DigestBytes)} | {Gb(r.Update.ChainBytes)} | {Gb(r.Update.FileBytes)} | {Gb(r.Update.FloorBytes)} | {r.PlanMilliseconds:F0} / {r.MaxPlanMilliseconds:F1} |");
        }

        s.AppendLine();
        foreach (var budget in results.Select(r => r.Budget).Distinct())
        {
            var ours = results.FirstOrDefault(r => r.Budget == budget && r.Strategy == EconomyStrategy.StrategyName);
            var original = results.FirstOrDefault(r => r.Budget == budget && r.Strategy == PopularityDominatorStrategy.StrategyName);
            if (ours is null || original is null)
            {
                continue;
            }

            var others = results.Where(r => r.Budget == budget && IsOtherBudgeted(r.Strategy)).ToList();
            s.AppendLine(CultureInfo.InvariantCulture,
                $"- Budget {budget}: economy vs popularity-dominator over the fleet: {Change(ours.Fleet.DigestBytes, original.Fleet.DigestBytes)} by digest, " +
                $"{Change(ours.Fleet.ChainBytes, original.Fleet.ChainBytes)} by chain; after the update vs the best other budgeted strategy: " +
                $"{Change(ours.Update.DigestBytes, others.Min(o => o.Update.DigestBytes))} by digest, {Change(ours.Update.ChainBytes, others.Min(o => o.Update.ChainBytes))} by chain.");
        }

        return s.ToString();
    }

    /// <summary>A grouped bar chart: fleet bytes by digest and by chain per strategy, one group per budget, with the floor.</summary>
    public static string Svg(IReadOnlyList<StrategyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var budgets = results.Select(r => r.Budget).Distinct().ToList();
        var strategies = results.Select(r => r.Strategy).Distinct().ToList();
        var max = results.Max(r => Math.Max(r.Fleet.DigestBytes, r.Fleet.ChainBytes)) / 1e9;
        const int Left = 180, Row = 16, GroupGap = 30, Width = 760, Top = 40;
        var height = Top + (budgets.Count * ((strategies.Count * 2 * Row) + GroupGap)) + 56; // room for the legend below the last group
        var scale = (Width - Left - 60) / max;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">");
        s.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        s.AppendLine("<text x=\"10\" y=\"20\" font-size=\"14\">GB downloaded by one client pulling the fleet (lower is better); dashed: floor</text>");
        var y = Top;
        foreach (var budget in budgets)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{y + 10}\" font-weight=\"bold\">budget {budget}</text>");
            y += 16;
            var groupTop = y;
            foreach (var strategy in strategies)
            {
                var r = results.First(x => x.Budget == budget && x.Strategy == strategy);
                s.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + Row}\" text-anchor=\"end\">{strategy}</text>");
                foreach (var (bytes, color, label) in new[] { (r.Fleet.DigestBytes, "#3b7dd8", "digest"), (r.Fleet.ChainBytes, "#e08a2c", "chain") })
                {
                    var w = bytes / 1e9 * scale;
                    s.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{y + 2}\" width=\"{w:F1}\" height=\"{Row - 4}\" fill=\"{color}\"><title>{strategy} {label} {bytes / 1e9:F2} GB</title></rect>");
                    s.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{Left + w + 4:F1}\" y=\"{y + Row - 4}\">{bytes / 1e9:F1}</text>");
                    y += Row;
                }
            }

            var floor = results.First(x => x.Budget == budget).Fleet.FloorBytes / 1e9 * scale;
            s.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{Left + floor:F1}\" y1=\"{groupTop}\" x2=\"{Left + floor:F1}\" y2=\"{y}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>");
            y += GroupGap;
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{y}\" width=\"12\" height=\"10\" fill=\"#3b7dd8\"/><text x=\"{Left + 16}\" y=\"{y + 9}\">by digest (containerd, podman)</text>");
        s.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{Left + 220}\" y=\"{y}\" width=\"12\" height=\"10\" fill=\"#e08a2c\"/><text x=\"{Left + 236}\" y=\"{y + 9}\">by chain prefix (docker classic)</text>");
        s.AppendLine("</svg>");
        return s.ToString();
    }

    /// <summary>The popularity JSON for the whole graph: referrer count per store path name.</summary>
    public static SortedDictionary<string, int> Popularity(PackageGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return ByName(graph, graph.ReferrerCounts());
    }

    /// <summary>The closure counts of every node of the graph (how many packages depend on it, transitively), keyed by name.</summary>
    public static SortedDictionary<string, int> ClosureCounts(PackageGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return ByName(graph, graph.ClosureCounts());
    }

    /// <summary>
    /// Whether a strategy counts among "the best other budgeted strategy" that <c>economy</c> is compared with after the
    /// update: not <c>economy</c> itself, not <c>per-path</c> (no budget), not the fleet-order bound (not a strategy).
    /// </summary>
    public static bool IsOtherBudgeted(string strategy) =>
        strategy is not EconomyStrategy.StrategyName and not PerPathStrategy.StrategyName and not FleetOrderBound.StrategyName;

    private static SortedDictionary<string, int> ByName(PackageGraph graph, int[] counts)
    {
        var map = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var v = 0; v < graph.Count; v++)
        {
            map[graph.NameOf(v)] = counts[v];
        }

        return map;
    }

    private static string Gb(long bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture);

    private static string Change(long ours, long theirs) =>
        theirs == 0 ? "n/a" : ((double)(ours - theirs) / theirs).ToString("+0.0 %;-0.0 %", CultureInfo.InvariantCulture);
}
