using System.Globalization;
using System.Text.Json;

namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>Runs wrk (Debian package <c>wrk</c>) with a Lua hook that reports its summary as JSON.</summary>
internal static class Wrk
{
    private const string Marker = "NIXERY-WRK ";

    // latency:percentile() is in microseconds; summary.errors.status counts responses of 400 and above.
    private const string Script = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format(
            'NIXERY-WRK {"requests":%d,"durationUs":%d,"bytes":%d,"errors":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d}\n',
            summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.status + e.timeout,
            latency:percentile(50), latency:percentile(90), latency:percentile(99)))
        end
        """;

    public static async Task<WrkResult> RunAsync(
        Uri url, string? accept, int connections, int threads, TimeSpan duration, string workDirectory, CancellationToken cancellationToken)
    {
        var script = Path.Combine(workDirectory, "report.lua");
        if (!File.Exists(script)) await File.WriteAllTextAsync(script, Script, cancellationToken);
        List<string> arguments =
        [
            "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--connections", connections.ToString(CultureInfo.InvariantCulture),
            "--duration", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
            "--timeout", "30s",
            "--script", script,
        ];
        if (accept is not null) arguments.AddRange(["--header", $"Accept: {accept}"]);
        arguments.Add(url.ToString());

        var output = await ProcessRunner.RunCheckedAsync("wrk", arguments, cancellationToken);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no summary: {output}");
        using var json = JsonDocument.Parse(line[Marker.Length..]);
        var root = json.RootElement;
        static TimeSpan Microseconds(JsonElement value) => TimeSpan.FromMicroseconds(value.GetInt64());
        return new WrkResult(
            root.GetProperty("requests").GetInt64(),
            Microseconds(root.GetProperty("durationUs")),
            root.GetProperty("bytes").GetInt64(),
            root.GetProperty("errors").GetInt64(),
            Microseconds(root.GetProperty("p50Us")),
            Microseconds(root.GetProperty("p90Us")),
            Microseconds(root.GetProperty("p99Us")));
    }
}
