using System.Globalization;
using System.Text.Json;
using Nixery.LayerEconomy;
using Nixery.LayerEconomy.Workloads;

// Layer economy: replays a fleet and a security update on Debian's package graph for every layering strategy.
//   dotnet run -c Release --project benchmarks/Nixery.LayerEconomy -- [--data DIR] [--images N] [--seed N]
//       [--budgets 94,24] [--markdown FILE] [--svg FILE]
//   dotnet run -c Release --project benchmarks/Nixery.LayerEconomy -- popularity [--data DIR] --output FILE
var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--data"] = "../shared/data/debian-graph",
    ["--images"] = "300",
    ["--seed"] = FleetGenerator.DefaultSeed.ToString(CultureInfo.InvariantCulture),
    ["--budgets"] = "94,24",
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
    return 0;
}

var images = int.Parse(options["--images"], CultureInfo.InvariantCulture);
var seed = int.Parse(options["--seed"], CultureInfo.InvariantCulture);
var budgets = options["--budgets"].Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
var (runner, results) = EconomyReport.Run(graph, updated, images, seed, budgets, EconomyReport.Strategies(),
    r => Console.Error.WriteLine($"{r.Strategy,-22} budget {r.Budget,3}: fleet {r.Fleet.DigestBytes / 1e9:F2} GB by digest, {r.Fleet.ChainBytes / 1e9:F2} GB by chain"));
var markdown = EconomyReport.Markdown(runner, results, images, seed);
Console.WriteLine(markdown);
if (options.TryGetValue("--markdown", out var markdownFile))
{
    await File.WriteAllTextAsync(markdownFile, markdown);
}

if (options.TryGetValue("--svg", out var svgFile))
{
    await File.WriteAllTextAsync(svgFile, EconomyReport.Svg(results));
}

return 0;
