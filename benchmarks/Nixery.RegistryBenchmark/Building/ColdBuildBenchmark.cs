using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Requests;
using Nixery.RegistryBenchmark.Backends;
using Nixery.RegistryBenchmark.Measuring;

namespace Nixery.RegistryBenchmark.Building;

/// <summary>
/// A cold build of an image whose closure is already in the Nix store, side by side with bare <c>nix-build</c> of the
/// same attributes: the standalone server with recent builds off (so every manifest GET of the unpinned demo set is a
/// build: evaluation, realisation, closure, layers found already packed, config and manifests), once with Nix's store
/// operations through nix-daemon and once as processes, against <c>nix-build --no-out-link</c>, in turn, round by
/// round, so that each ratio is taken pair by pair.
/// </summary>
public static class ColdBuildBenchmark
{
    public sealed record Settings(int Rounds, string Image)
    {
        public static Settings Full { get; } = new(40, "shell/hello");

        public static Settings Smoke { get; } = new(3, "shell/hello");
    }

    /// <returns>The Markdown table.</returns>
    public static async Task<string> RunAsync(Settings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var demo = PayloadPackageSet.FindDemoPackages();
        var repository = Path.GetFullPath(Path.Combine(demo, "..", ".."));
        var work = Directory.CreateTempSubdirectory("nixery-cold-build-benchmark-").FullName;
        try
        {
            // The same server twice: Nix's store operations through nix-daemon (the default), and as processes.
            await using var server = await StartServerAsync(repository, demo, Path.Combine(work, "daemon"), useDaemon: true, cancellationToken);
            await using var processes = await StartServerAsync(repository, demo, Path.Combine(work, "processes"), useDaemon: false, cancellationToken);
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
            using var processesHttp = new HttpClient { BaseAddress = processes.Address, Timeout = TimeSpan.FromMinutes(2) };
            var packages = ImageRequest.Parse(settings.Image, ImageRequest.LatestTag, new ImageRequestOptions()).Packages;
            List<string> nixBuild = ["--no-out-link", demo, .. packages.SelectMany(p => new[] { "-A", p }), "--option", "substitute", "false"];

            // Once each first: the closure realised, the layers packed, the programs' files in the page cache.
            await ManifestAsync(http, settings.Image, cancellationToken);
            await ManifestAsync(processesHttp, settings.Image, cancellationToken);
            await ProcessRunner.RunCheckedAsync("nix-build", nixBuild, cancellationToken);

            var (serverMs, processesMs, bare, ratios, processRatios) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (var round = 0; round < settings.Rounds; round++)
            {
                var a = await TimeAsync(() => ManifestAsync(http, settings.Image, cancellationToken), cancellationToken);
                var p = await TimeAsync(() => ManifestAsync(processesHttp, settings.Image, cancellationToken), cancellationToken);
                var b = await TimeAsync(() => ProcessRunner.RunCheckedAsync("nix-build", nixBuild, cancellationToken), cancellationToken);
                serverMs.Add(a);
                processesMs.Add(p);
                bare.Add(b);
                ratios.Add(a / b);
                processRatios.Add(p / b);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: server {a:F1} ms ({a / b:F2}x), with processes {p:F1} ms ({p / b:F2}x), nix-build {b:F1} ms"));
            }

            var table = new StringBuilder();
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {settings.Image}, {packages.Count} attributes, {settings.Rounds} rounds | median | min | max |"));
            table.AppendLine("|---|---|---|---|");
            table.AppendLine(Row("cold build in the server (manifest GET), store operations through nix-daemon", serverMs, "ms"));
            table.AppendLine(Row("the same with `Nixery:Nix:UseDaemon=false` (nix-store and nix path-info processes)", processesMs, "ms"));
            table.AppendLine(Row("`nix-build --no-out-link` of the same attributes", bare, "ms"));
            table.AppendLine(Row("ratio to nix-build, pair by pair: through nix-daemon", ratios, "x"));
            table.AppendLine(Row("ratio to nix-build, pair by pair: with processes", processRatios, "x"));
            return table.ToString();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Task<StandaloneServerProcess> StartServerAsync(string repository, string demo, string work, bool useDaemon, CancellationToken cancellationToken) =>
        StandaloneServerProcess.StartAsync(repository, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = demo,
            ["STORAGE_PATH"] = Path.Combine(work, "storage"),
            ["Nixery__Nix__StateDirectory"] = Path.Combine(work, "nix"),
            ["Nixery__Nix__UseDaemon"] = useDaemon ? "true" : "false",
            ["Nixery__Nix__ExtraArguments__0"] = "--option",
            ["Nixery__Nix__ExtraArguments__1"] = "substitute",
            ["Nixery__Nix__ExtraArguments__2"] = "false",
            ["Nixery__Registry__RecentBuildLifetime"] = "00:00:00",
            ["Logging__LogLevel__Default"] = "Warning",
        }, cancellationToken: cancellationToken);

    /// <summary>
    /// The milliseconds <paramref name="run"/> takes; then a pause, so that what a server does after answering (ending
    /// the build's daemon, starting the next one's) does not slow the next measurement.
    /// </summary>
    private static async Task<double> TimeAsync(Func<Task> run, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await run();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        return elapsed;
    }

    private static async Task ManifestAsync(HttpClient http, string image, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{image}/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {image} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private static string Row(string what, List<double> values, string unit)
    {
        var sorted = values.Order().ToList();
        var format = unit == "x" ? "F2" : "F1";
        string Cell(double v) => v.ToString(format, CultureInfo.InvariantCulture) + (unit == "x" ? "x" : " ms");
        return $"| {what} | {Cell(sorted[sorted.Count / 2])} | {Cell(sorted[0])} | {Cell(sorted[^1])} |";
    }
}
