using System.Globalization;
using System.Text.Json;
using Nixery.LayerEconomy;
using Nixery.LayerEconomy.Workloads;

// Layer economy: replays a fleet and a security update on Debian's package graph for every layering strategy.
//   dotnet run -c Release --project benchmarks/Nixery.LayerEconomy -- [--data DIR] [--images N] [--seed N]
//       [--seeds 1,2,3 | 4-8] [--label TEXT] [--strategies a,b] [--economy "Name=value;..."]
//       [--budgets 94,24] [--rewritten-share 0.1] [--closure-counts yes|no]
//       [--fleet-order-bound yes] [--markdown FILE] [--svg FILE]
//   Several seeds: a summary (mean, min and max savings against popularity-dominator) and a table of means.
//   dotnet run -c Release --project benchmarks/Nixery.LayerEconomy -- popularity [--data DIR] --output FILE [--closure-output FILE]
var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--data"] = "data/debian-graph",
    ["--images"] = "300",
    ["--seed"] = FleetGenerator.DefaultSeed.ToString(CultureInfo.InvariantCulture),
    ["--budgets"] = "94,24",
    ["--rewritten-share"] = "0.1",
    ["--closure-counts"] = "yes",
    ["--fleet-order-bound"] = "no",
};
var popularity = args.Length > 0 && args[0] == "popularity";
for (var i = popularity ? 1 : 0; i < args.Length; i += 2)
{
    if (i + 1 >= args.Length || !args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}'; see the comment at the top of Program.cs");
        return 64;
    }

    options[args[i]] = args[i + 1];
}

var (graph, updated) = EconomyReport.Load(options["--data"]);
if (popularity)
{
    if (!options.TryGetValue("--output", out var output))
    {
        Console.Error.WriteLine("popularity needs --output FILE");
        return 64;
    }

    var map = EconomyReport.Popularity(graph);
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(map, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    Console.WriteLine($"popularity of {map.Count} store path names written to {output}");
    if (options.TryGetValue("--closure-output", out var closureOutput))
    {
        var closures = EconomyReport.ClosureCounts(graph);
        await File.WriteAllTextAsync(closureOutput, JsonSerializer.Serialize(closures, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"closure counts of {closures.Count} store path names written to {closureOutput}");
    }

    return 0;
}

var images = int.Parse(options["--images"], CultureInfo.InvariantCulture);
var seeds = Numbers(options.TryGetValue("--seeds", out var seedList) ? seedList : options["--seed"]);
var budgets = Numbers(options["--budgets"]);
var strategies = EconomyReport.Strategies(options.GetValueOrDefault("--economy"));
if (options.TryGetValue("--strategies", out var names))
{
    var wanted = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    strategies = strategies.Where(s => wanted.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
}

var runs = new List<SeedRun>();
foreach (var seed in seeds)
{
    var (runner, results) = EconomyReport.Run(graph, updated, images, seed, budgets, strategies,
        r => Console.Error.WriteLine($"seed {seed,-9} {r.Strategy,-22} budget {r.Budget,3}: fleet {r.Fleet.DigestBytes / 1e9:F2} GB by digest, {r.Fleet.ChainBytes / 1e9:F2} GB by chain, {r.Fleet.FileBytes / 1e9:F2} file-level; update {r.Update.DigestBytes / 1e9:F2} / {r.Update.ChainBytes / 1e9:F2} / {r.Update.FileBytes / 1e9:F2}"),
        double.Parse(options["--rewritten-share"], CultureInfo.InvariantCulture), options["--closure-counts"] != "no", options["--fleet-order-bound"] == "yes");
    runs.Add(new SeedRun(seed, runner, results));
}

var markdown = runs.Count == 1
    ? EconomyReport.Markdown(runs[0].Runner, runs[0].Results, images, runs[0].Seed)
    : SeedSummary.Markdown(runs, options.GetValueOrDefault("--label") ?? "seeds") + "\n" + EconomyReport.Markdown(
        $"Means per seed over seeds {string.Join(", ", seeds)} ({images} images each, " +
        $"{runs.Average(r => r.Runner.FleetImageBytes) / 1e9:F2} GB of image content per fleet on average); layers/image (max) and the slowest plan are over all seeds.",
        SeedSummary.Means(runs));
Console.WriteLine(markdown);
if (options.TryGetValue("--markdown", out var markdownFile))
{
    await File.WriteAllTextAsync(markdownFile, markdown);
}

if (options.TryGetValue("--svg", out var svgFile))
{
    await File.WriteAllTextAsync(svgFile, EconomyReport.Svg(SeedSummary.Means(runs)));
}

return 0;

// "1,2,3", "4-8" or a mix: "1,4-6".
static List<int> Numbers(string text)
{
    var numbers = new List<int>();
    foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
    {
        var dash = part.IndexOf('-', 1);
        if (dash < 0)
        {
            numbers.Add(int.Parse(part, CultureInfo.InvariantCulture));
            continue;
        }

        var from = int.Parse(part[..dash], CultureInfo.InvariantCulture);
        var to = int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture);
        numbers.AddRange(Enumerable.Range(from, to - from + 1));
    }

    return numbers;
}
