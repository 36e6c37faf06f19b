using System.Globalization;
using Nixery.IntegrationTests.Nix;
using Nixery.RegistryBenchmark.Building;

namespace Nixery.IntegrationTests.Benchmarks;

/// <summary>The cold-build benchmark in its smoke mode, so that it keeps working: both servers build, nix-build runs.</summary>
public sealed class ColdBuildBenchmarkSmokeTests
{
    [Fact]
    public async Task Smoke_run_times_both_servers_and_nix_build_and_prints_every_row()
    {
        Tools.RequireNix();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var log = new StringWriter();

        var table = await ColdBuildBenchmark.RunAsync(ColdBuildBenchmark.Settings.Smoke, log, timeout.Token);

        var rows = table.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.True(rows.Count == 5, table + log);
        foreach (var row in rows)
        {
            var median = row.Split('|', StringSplitOptions.TrimEntries)[2];
            Assert.True(double.Parse(median.TrimEnd('x', ' ', 'm', 's'), CultureInfo.InvariantCulture) > 0, $"{row}\n{log}");
        }
    }
}
