using Nixery.Testing;
using Nixery.IntegrationTests.Nix;
using Nixery.IntegrationTests.Support;
using Nixery.RegistryBenchmark.Measuring;

namespace Nixery.IntegrationTests.Benchmarks;

/// <summary>
/// The serving benchmark (benchmarks/Nixery.RegistryBenchmark) in its few-second smoke mode, so that it keeps working:
/// both registries really run, serve the same image, and wrk measures each without errors. Measures nothing.
/// </summary>
public sealed class RegistryServingBenchmarkSmokeTests
{
    [Fact]
    public async Task Smoke_run_serves_the_same_image_from_nixery_and_docker_registry_and_measures_both_without_errors()
    {
        Tools.RequireNix();
        foreach (var tool in new[] { "wrk", "docker-registry", "skopeo" }) ExternalTool.Require(tool);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var log = new StringWriter();

        var report = await RegistryServingBenchmark.RunAsync(BenchmarkSettings.Smoke, log, timeout.Token);

        Assert.StartsWith("sha256:", report.ManifestDigest);
        Assert.Equal(RegistryServingBenchmark.OciManifest, report.ManifestMediaType);
        Assert.True(report.BlobSize >= BenchmarkSettings.Smoke.PayloadMegabytes * 1_000_000L,
            $"the largest layer ({report.BlobSize} bytes) should hold the payload");
        foreach (var registry in new[] { BenchmarkReport.Nixery, BenchmarkReport.DockerRegistry })
        {
            foreach (var kind in new[] { "manifest", "blob" })
            {
                var measurement = Assert.Single(report.Measurements, m => m.Registry == registry && m.Kind == kind);
                Assert.True(measurement.Result.Requests > 0, $"{registry} answered no {kind} requests:\n{log}");
                Assert.True(measurement.Result.Errors == 0, $"{registry} answered {kind} requests with errors:\n{log}");
            }
        }
        Assert.Contains("| 1 | nixery |", report.ToMarkdown());
    }
}
