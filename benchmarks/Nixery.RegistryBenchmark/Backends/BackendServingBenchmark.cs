using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nixery.RegistryBenchmark.Measuring;

namespace Nixery.RegistryBenchmark.Backends;

/// <summary>
/// The standalone server on each storage backend, side by side in one run: the same 200 MB layer downloaded through the
/// filesystem backend (the baseline) and through each cloud backend on its emulator, streamed by the registry and
/// redirected to the store. Every registry is its own process; rounds alternate between them.
/// </summary>
public static class BackendServingBenchmark
{
    /// <summary>How long and how hard.</summary>
    public sealed record Settings(int Rounds, TimeSpan Duration, int Connections, int PayloadMegabytes)
    {
        public static Settings Full { get; } = new(3, TimeSpan.FromSeconds(10), 4, 200);

        /// <summary>A few seconds: proves every backend serves the layer, measures nothing.</summary>
        public static Settings Smoke { get; } = new(1, TimeSpan.FromSeconds(1), 1, 4);
    }

    private sealed record Target(string Backend, string Mode, Dictionary<string, string> Environment);

    private sealed record Row(string Backend, string Mode, int Round, BlobDownloads.Result Result);

    /// <returns>The Markdown table.</returns>
    public static async Task<string> RunAsync(Settings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var demo = PayloadPackageSet.FindDemoPackages();
        var repository = Path.GetFullPath(Path.Combine(demo, "..", ".."));
        var work = Directory.CreateTempSubdirectory("nixery-backend-benchmark-").FullName;
        var servers = new List<(Target Target, StandaloneServerProcess Server)>();
        try
        {
            var packages = await PayloadPackageSet.WriteAsync(demo, settings.PayloadMegabytes, Path.Combine(work, "packages"), cancellationToken);
            await using var gcs = await GcsEmulatorProcess.StartAsync(repository, cancellationToken);
            var key = Path.Combine(repository, "data", "gcs-conformance", "test_service_account.not-a-test.json");
            Dictionary<string, string> Common(string name) => new()
            {
                ["NIXERY_PKGS_PATH"] = packages,
                ["Nixery__Nix__StateDirectory"] = Path.Combine(work, "nix-" + name),
                ["Nixery__Nix__ExtraArguments__0"] = "--option",
                ["Nixery__Nix__ExtraArguments__1"] = "substitute",
                ["Nixery__Nix__ExtraArguments__2"] = "false",
                ["Nixery__Nix__Timeout"] = "00:05:00",
                ["Nixery__Registry__RecentBuildLifetime"] = "01:00:00",
                ["Logging__LogLevel__Default"] = "Warning",
            };
            Dictionary<string, string> Gcs(string name, string redirect) => new(Common(name))
            {
                ["NIXERY_STORAGE_BACKEND"] = "gcs",
                ["GCS_BUCKET"] = "bench-" + name,
                ["STORAGE_EMULATOR_HOST"] = gcs.Host,
                ["Nixery__GcsStorage__Redirect"] = redirect,
                ["Nixery__GcsStorage__CredentialsFile"] = key,
                // The emulator keeps only the first chunk of a resumable upload: one chunk holds the whole layer.
                ["Nixery__GcsStorage__ChunkSize"] = (512 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            };
            await using var rgw = await RadosGatewayProcess.StartAsync(repository, "bench", cancellationToken);
            Dictionary<string, string> S3(string name, string redirect) => new(Common(name))
            {
                ["NIXERY_STORAGE_BACKEND"] = "s3",
                ["S3_BUCKET"] = "bench",
                ["Nixery__S3Storage__Prefix"] = name + "/",
                ["AWS_ENDPOINT_URL_S3"] = rgw.Endpoint.ToString(),
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ACCESS_KEY_ID"] = RadosGatewayProcess.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = RadosGatewayProcess.SecretKey,
                ["Nixery__S3Storage__Redirect"] = redirect,
            };
            await using var azurite = await AzuriteProcess.StartAsync(repository, "bench", cancellationToken);
            Dictionary<string, string> Azure(string name, string redirect) => new(Common(name))
            {
                ["NIXERY_STORAGE_BACKEND"] = "azure",
                ["AZURE_STORAGE_CONTAINER"] = "bench",
                ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString,
                ["Nixery__AzureStorage__Prefix"] = name + "/",
                ["Nixery__AzureStorage__Redirect"] = redirect,
            };
            var targets = new List<Target>
            {
                new("filesystem", "streamed", new(Common("fs")) { ["STORAGE_PATH"] = Path.Combine(work, "fs-storage") }),
                new("gcs", "streamed", Gcs("gcs-streamed", "None")),
                new("gcs", "redirect", Gcs("gcs-redirect", "SignedUrl")),
                new("s3", "streamed", S3("s3-streamed", "None")),
                new("s3", "redirect", S3("s3-redirect", "PresignedUrl")),
                new("azure", "streamed", Azure("azure-streamed", "None")),
                new("azure", "redirect", Azure("azure-redirect", "Sas")),
            };

            const string image = PayloadPackageSet.Package;
            var blobs = new List<(Uri Blob, long Size)>();
            foreach (var target in targets)
            {
                var server = await StandaloneServerProcess.StartAsync(repository, target.Environment, cancellationToken: cancellationToken);
                servers.Add((target, server));
                blobs.Add(await LargestLayerAsync(server.Address, image, cancellationToken));
                log.WriteLine($"{target.Backend} ({target.Mode}) at {server.Address}: layer {blobs[^1].Blob.Segments[^1]} of {blobs[^1].Size / 1e6:F1} MB");
            }

            for (var i = 0; i < servers.Count; i++)
                await BlobDownloads.RunAsync(blobs[i].Blob, 1, TimeSpan.FromSeconds(1), blobs[i].Size, cancellationToken); // warm-up
            var rows = new List<Row>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                for (var i = 0; i < servers.Count; i++)
                {
                    var result = await BlobDownloads.RunAsync(blobs[i].Blob, settings.Connections, settings.Duration, blobs[i].Size, cancellationToken);
                    rows.Add(new Row(servers[i].Target.Backend, servers[i].Target.Mode, round, result));
                    log.WriteLine($"round {round} {servers[i].Target.Backend,-10} {servers[i].Target.Mode,-8} {result.MegabytesPerSecond,8:F0} MB/s, {result.Downloads} downloads, median {result.Median.TotalMilliseconds:F0} ms, {result.Redirected} redirected, {result.Errors} errors");
                }
            }
            return Markdown(settings, blobs[0].Size, rows);
        }
        finally
        {
            foreach (var (_, server) in servers) await server.DisposeAsync();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Best effort: it is under the temp directory.
            }
        }
    }

    private static async Task<(Uri Blob, long Size)> LargestLayerAsync(Uri registry, string image, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = registry, Timeout = TimeSpan.FromMinutes(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{image}/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(RegistryServingBenchmark.OciManifest));
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{registry} answered {(int)response.StatusCode} for {image}: {body}");
        using var manifest = JsonDocument.Parse(body);
        var largest = manifest.RootElement.GetProperty("layers").EnumerateArray()
            .Select(layer => (Digest: layer.GetProperty("digest").GetString()!, Size: layer.GetProperty("size").GetInt64()))
            .MaxBy(layer => layer.Size);
        return (new Uri(registry, $"/v2/{image}/blobs/{largest.Digest}"), largest.Size);
    }

    private static string Markdown(Settings settings, long size, List<Row> rows)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        var baseline = Median(rows.Where(r => r.Backend == "filesystem").Select(r => r.Result.MegabytesPerSecond));
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Layer of {size / 1e6:F1} MB, {settings.Connections} connections, {settings.Rounds} rounds of {settings.Duration.TotalSeconds:F0} s, alternating.");
        s.AppendLine();
        s.AppendLine("| backend | served | MB/s per round | median MB/s | vs filesystem | median download ms | downloads | redirected | errors |");
        s.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => (r.Backend, r.Mode)))
        {
            var median = Median(group.Select(r => r.Result.MegabytesPerSecond));
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Backend} | {group.Key.Mode} | {string.Join(" / ", group.Select(r => r.Result.MegabytesPerSecond.ToString("F0", CultureInfo.InvariantCulture)))} | " +
                $"{median:F0} | {median / baseline:F2}x | {Median(group.Select(r => r.Result.Median.TotalMilliseconds)):F0} | " +
                $"{group.Sum(r => r.Result.Downloads)} | {group.Sum(r => r.Result.Redirected)} | {group.Sum(r => r.Result.Errors)} |");
        }
        return s.ToString();
    }
}
