using System.Globalization;
using System.Text;

namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>The measurements of one run and the table for docs/benchmarks.md.</summary>
/// <param name="Settings">How it was measured.</param>
/// <param name="Image">The image both registries served.</param>
/// <param name="ManifestMediaType">The manifest form requested from both.</param>
/// <param name="ManifestDigest">The manifest both served (the same bytes).</param>
/// <param name="BlobDigest">The layer downloaded from both.</param>
/// <param name="BlobSize">Its size in bytes.</param>
/// <param name="Measurements">Every wrk run, in the order they ran.</param>
public sealed record BenchmarkReport(
    BenchmarkSettings Settings,
    string Image,
    string ManifestMediaType,
    string ManifestDigest,
    string BlobDigest,
    long BlobSize,
    IReadOnlyList<Measurement> Measurements)
{
    public const string Nixery = "nixery";
    public const string DockerRegistry = "docker-registry";

    private IEnumerable<WrkResult> Of(string registry, string kind) =>
        Measurements.Where(m => m.Registry == registry && m.Kind == kind).Select(m => m.Result);

    /// <summary>Requests per second over all rounds of one registry and kind (total requests / total time).</summary>
    public double RequestsPerSecond(string registry, string kind)
    {
        var results = Of(registry, kind).ToList();
        return results.Sum(r => r.Requests) / results.Sum(r => r.Duration.TotalSeconds);
    }

    public double MegabytesPerSecond(string registry, string kind)
    {
        var results = Of(registry, kind).ToList();
        return results.Sum(r => r.Bytes) / 1e6 / results.Sum(r => r.Duration.TotalSeconds);
    }

    /// <summary>The median over rounds of a latency percentile.</summary>
    public TimeSpan Latency(string registry, string kind, Func<WrkResult, TimeSpan> percentile)
    {
        var values = Of(registry, kind).Select(percentile).Order().ToList();
        return values[values.Count / 2];
    }

    public string ToMarkdown()
    {
        static string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
        static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString(value.TotalMilliseconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Image `{Image}`, manifest `{ManifestDigest}` ({ManifestMediaType}), layer `{BlobDigest}` ({F(BlobSize / 1e6, "N1")} MB).");
        text.AppendLine(CultureInfo.InvariantCulture, $"wrk: {Settings.Threads} thread(s), {F(Settings.Duration.TotalSeconds)} s per run, {Settings.Rounds} round(s) alternating docker-registry then nixery.");
        text.AppendLine();
        text.AppendLine("| run | registry | manifest req/s | p50 ms | p90 ms | p99 ms | errors | blob MB/s | blob req/s | errors |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var round in Measurements.Select(m => m.Round).Distinct())
        {
            foreach (var registry in new[] { DockerRegistry, Nixery })
            {
                var manifest = Measurements.Single(m => m.Round == round && m.Registry == registry && m.Kind == "manifest").Result;
                var blob = Measurements.Single(m => m.Round == round && m.Registry == registry && m.Kind == "blob").Result;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {round} | {registry} | {F(manifest.RequestsPerSecond)} | {Ms(manifest.P50)} | {Ms(manifest.P90)} | {Ms(manifest.P99)} | {manifest.Errors} | {F(blob.MegabytesPerSecond)} | {F(blob.RequestsPerSecond, "N1")} | {blob.Errors} |");
            }
        }
        text.AppendLine();
        var rps = RequestsPerSecond(Nixery, "manifest") / RequestsPerSecond(DockerRegistry, "manifest");
        var p99 = Latency(DockerRegistry, "manifest", r => r.P99) / Latency(Nixery, "manifest", r => r.P99);
        var blobs = MegabytesPerSecond(Nixery, "blob") / MegabytesPerSecond(DockerRegistry, "blob");
        text.AppendLine(CultureInfo.InvariantCulture, $"Ratios, nixery vs docker-registry over all rounds: manifest requests/s **{F(rps, "F1")}x**, manifest p99 latency **{F(p99, "F1")}x lower** (median of rounds), blob throughput **{F(blobs, "F2")}x**.");
        return text.ToString();
    }
}
