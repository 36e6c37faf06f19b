using System.Globalization;
using System.Text;
using Nixery.Layering;
using Nixery.LayerEconomy.Simulation;

namespace Nixery.LayerEconomy;

/// <summary>
/// Sums up runs on several fleet seeds: per strategy, budget and regime, the mean, min and max over the seeds of
/// the bytes saved against <c>popularity-dominator</c>, and for <c>economy</c> after the update against the best
/// other budgeted strategy of the same seed.
/// </summary>
/// <remarks>A saving is (theirs − ours) / theirs of one seed, so positive is fewer bytes; means are over seeds, unweighted.</remarks>
public static class SeedSummary
{
    /// <summary>The saving of <paramref name="ours"/> against <paramref name="theirs"/>, as a fraction (positive: fewer bytes).</summary>
    public static double Saving(long ours, long theirs) => theirs == 0 ? 0 : (double)(theirs - ours) / theirs;

    /// <summary>
    /// Per seed, for <c>economy</c>: fleet savings against the original, update savings against the best other budgeted
    /// strategy, and the fleet's bytes by digest as a multiple of the path floor.
    /// </summary>
    public static IEnumerable<(int Seed, int Budget, double FleetDigest, double FleetChain, double UpdateDigest, double UpdateChain, double DigestOverFloor)> EconomySavings(
        IReadOnlyList<SeedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var run in runs)
        {
            foreach (var budget in run.Results.Select(r => r.Budget).Distinct())
            {
                var ours = Find(run, EconomyStrategy.StrategyName, budget);
                var original = Find(run, PopularityDominatorStrategy.StrategyName, budget);
                var others = run.Results.Where(r => r.Budget == budget && EconomyReport.IsOtherBudgeted(r.Strategy)).ToList();
                if (ours is null || original is null || others.Count == 0)
                {
                    continue;
                }

                yield return (run.Seed, budget, Saving(ours.Fleet.DigestBytes, original.Fleet.DigestBytes), Saving(ours.Fleet.ChainBytes, original.Fleet.ChainBytes),
                    Saving(ours.Update.DigestBytes, others.Min(o => o.Update.DigestBytes)), Saving(ours.Update.ChainBytes, others.Min(o => o.Update.ChainBytes)),
                    ours.Fleet.FloorBytes == 0 ? 0 : (double)ours.Fleet.DigestBytes / ours.Fleet.FloorBytes);
            }
        }
    }

    /// <summary>The Markdown summary of <paramref name="runs"/>, titled with <paramref name="label"/> (e.g. "evaluation seeds 4–8").</summary>
    public static string Markdown(IReadOnlyList<SeedRun> runs, string label)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var s = new StringBuilder();
        var seeds = string.Join(", ", runs.Select(r => r.Seed));
        s.AppendLine(CultureInfo.InvariantCulture, $"**{label}** (seeds {seeds}): bytes saved against `popularity-dominator`, mean over the seeds (min … max); mean GB per seed.");
        s.AppendLine();
        s.AppendLine("| strategy | budget | fleet GB by digest | fleet GB by chain | saved by digest | saved by chain | update GB by digest | update GB by chain | update saved by digest | update saved by chain |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var budgets = runs.SelectMany(r => r.Results).Select(r => r.Budget).Distinct().ToList();
        var strategies = runs.SelectMany(r => r.Results).Select(r => r.Strategy).Distinct().ToList();
        foreach (var budget in budgets)
        {
            foreach (var strategy in strategies)
            {
                var rows = runs.Select(run => (Ours: Find(run, strategy, budget), Original: Find(run, PopularityDominatorStrategy.StrategyName, budget)))
                    .Where(x => x.Ours is not null && x.Original is not null).Select(x => (Ours: x.Ours!, Original: x.Original!)).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                var bold = strategy == EconomyStrategy.StrategyName ? "**" : "";
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"| {bold}{strategy}{bold} | {budget} | {Gb(rows.Average(x => x.Ours.Fleet.DigestBytes))} | {Gb(rows.Average(x => x.Ours.Fleet.ChainBytes))} | " +
                    $"{bold}{Range(rows.Select(x => Saving(x.Ours.Fleet.DigestBytes, x.Original.Fleet.DigestBytes)))}{bold} | " +
                    $"{bold}{Range(rows.Select(x => Saving(x.Ours.Fleet.ChainBytes, x.Original.Fleet.ChainBytes)))}{bold} | " +
                    $"{Gb(rows.Average(x => x.Ours.Update.DigestBytes))} | {Gb(rows.Average(x => x.Ours.Update.ChainBytes))} | " +
                    $"{Range(rows.Select(x => Saving(x.Ours.Update.DigestBytes, x.Original.Update.DigestBytes)))} | " +
                    $"{Range(rows.Select(x => Saving(x.Ours.Update.ChainBytes, x.Original.Update.ChainBytes)))} |");
            }
        }

        var economy = EconomySavings(runs).ToList();
        if (economy.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("`economy` per seed: saved over the fleet against `popularity-dominator`, and after the update against the best other budgeted strategy of that seed (negative: more bytes).");
            s.AppendLine();
            s.AppendLine("| seed | budget | fleet saved by digest | fleet saved by chain | fleet by digest / floor | update saved vs best other, by digest | by chain |");
            s.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var e in economy.OrderBy(e => -e.Budget).ThenBy(e => e.Seed))
            {
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"| {e.Seed} | {e.Budget} | {Pct(e.FleetDigest)} | {Pct(e.FleetChain)} | {Ratio(e.DigestOverFloor)} | {Pct(e.UpdateDigest)} | {Pct(e.UpdateChain)} |");
            }

            s.AppendLine();
            foreach (var budget in economy.Select(e => e.Budget).Distinct())
            {
                var b = economy.Where(e => e.Budget == budget).ToList();
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"- Budget {budget}, {label}: economy saves {Range(b.Select(e => e.FleetDigest))} by digest and {Range(b.Select(e => e.FleetChain))} by chain against popularity-dominator, " +
                    $"{Ratio(b.Average(e => e.DigestOverFloor))} ({Ratio(b.Min(e => e.DigestOverFloor))} … {Ratio(b.Max(e => e.DigestOverFloor))}) the path floor by digest; " +
                    $"after the update against the best other budgeted strategy {Range(b.Select(e => e.UpdateDigest))} by digest, {Range(b.Select(e => e.UpdateChain))} by chain.");
            }
        }

        return s.ToString();
    }

    /// <summary>Every strategy and budget with its totals averaged over the seeds (for the detailed table and the chart).</summary>
    public static List<StrategyResult> Means(IReadOnlyList<SeedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var means = new List<StrategyResult>();
        foreach (var first in runs[0].Results)
        {
            var all = runs.Select(run => Find(run, first.Strategy, first.Budget)).OfType<StrategyResult>().ToList();
            means.Add(new StrategyResult(
                first.Strategy, first.Budget, Mean(all.Select(r => r.Fleet)), Mean(all.Select(r => r.Update)),
                (long)all.Average(r => r.RegistryBytes), (long)all.Average(r => r.RegistryBytesAddedByUpdate),
                all.Average(r => r.MeanLayers), all.Max(r => r.MaxLayers), all.Max(r => r.LargestLayerBytes),
                all.Average(r => r.PlanMilliseconds), all.Max(r => r.MaxPlanMilliseconds)));
        }

        return means;
    }

    private static PullTotals Mean(IEnumerable<PullTotals> totals)
    {
        var list = totals.ToList();
        return new PullTotals(
            (long)list.Average(t => t.DigestBytes), (long)list.Average(t => t.ChainBytes), (long)list.Average(t => t.FloorBytes),
            (long)list.Average(t => t.ImageBytes), (long)list.Average(t => t.Layers), (long)list.Average(t => t.LayersHeld),
            (long)list.Average(t => t.FileBytes));
    }

    private static StrategyResult? Find(SeedRun run, string strategy, int budget) =>
        run.Results.FirstOrDefault(r => r.Budget == budget && r.Strategy == strategy);

    private static string Range(IEnumerable<double> values)
    {
        var list = values.ToList();
        return $"{Pct(list.Average())} ({Pct(list.Min())} … {Pct(list.Max())})";
    }

    private static string Pct(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Ratio(double ratio) => ratio.ToString("0.000", CultureInfo.InvariantCulture) + "x";

    private static string Gb(double bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture);
}
