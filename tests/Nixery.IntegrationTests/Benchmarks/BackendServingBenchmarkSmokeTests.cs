using Nixery.IntegrationTests.Nix;
using Nixery.RegistryBenchmark.Backends;

namespace Nixery.IntegrationTests.Benchmarks;

/// <summary>
/// The per-backend serving benchmark in its smoke mode, so that it keeps working: the standalone server on every
/// backend (its emulator or server started for real) serves the layer, streamed and redirected, without errors.
/// </summary>
public sealed class BackendServingBenchmarkSmokeTests
{
    [Fact]
    public async Task Smoke_run_downloads_the_layer_through_every_backend_streamed_and_redirected_without_errors()
    {
        Tools.RequireNix();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var log = new StringWriter();

        var table = await BackendServingBenchmark.RunAsync(BackendServingBenchmark.Settings.Smoke, log, timeout.Token);

        var rows = table.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| backend", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count >= 5, table + log);
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            // | backend | served | per round | median | vs | ms | downloads | redirected | errors |
            Assert.True(int.Parse(cells[7]) > 0, $"no download: {row}\n{log}");
            Assert.True(cells[9] == "0", $"errors: {row}\n{log}");
            Assert.True(cells[2] == "redirect" ? int.Parse(cells[8]) > 0 : cells[8] == "0", $"redirects: {row}\n{log}");
        }
    }
}
