using System.Net.Http.Headers;
using System.Text.Json;

namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>
/// Serves one image from this registry and from docker-registry (the same bytes, copied across with skopeo) and
/// measures both with wrk, alternating: warm manifest GETs by tag, then downloads of the image's largest layer.
/// </summary>
public static class RegistryServingBenchmark
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <param name="settings">How long and how hard to measure.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Stops the run; both registries are stopped either way.</param>
    public static async Task<BenchmarkReport> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        foreach (var tool in new[] { "wrk", "docker-registry", "skopeo", "nix-build" }) ProcessRunner.Require(tool);

        var work = Directory.CreateTempSubdirectory("nixery-serving-benchmark-").FullName;
        try
        {
            var packages = await PayloadPackageSet.WriteAsync(
                PayloadPackageSet.FindDemoPackages(), settings.PayloadMegabytes, Path.Combine(work, "packages"), cancellationToken);
            var image = $"shell/hello/{PayloadPackageSet.Package}";

            await using var nixery = await NixeryServerProcess.StartAsync(packages, work, cancellationToken);
            await using var baseline = await DockerRegistryProcess.StartAsync(work, cancellationToken);
            log.WriteLine($"nixery at {nixery.Address}, docker-registry at {baseline.Address}; building {image} ({settings.PayloadMegabytes} MB payload)");

            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            var (digest, bytes) = await GetManifestAsync(client, nixery.Address, image, OciManifest, cancellationToken);

            await ProcessRunner.RunCheckedAsync("skopeo", [
                "copy", "--quiet", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
                $"docker://{nixery.Address.Authority}/{image}", $"docker://{baseline.Address.Authority}/{image}",
            ], cancellationToken);

            // Both must answer the same bytes for the form measured; docker-registry serves what was pushed.
            var mediaType = OciManifest;
            var (theirs, _) = await GetManifestAsync(client, baseline.Address, image, OciManifest, cancellationToken);
            if (theirs != digest)
                throw new InvalidOperationException($"docker-registry serves {theirs} for {image}, nixery {digest}: they must serve the same manifest");

            using var manifest = JsonDocument.Parse(bytes);
            var largest = manifest.RootElement.GetProperty("layers").EnumerateArray()
                .Select(layer => (Digest: layer.GetProperty("digest").GetString()!, Size: layer.GetProperty("size").GetInt64()))
                .MaxBy(layer => layer.Size);
            log.WriteLine($"both serve {digest}; largest layer {largest.Digest} ({largest.Size / 1e6:F1} MB)");

            var measurements = new List<Measurement>();
            var targets = new[] { (Name: BenchmarkReport.DockerRegistry, baseline.Address), (Name: BenchmarkReport.Nixery, nixery.Address) };
            foreach (var (_, address) in targets)
            {
                // One warm-up each: connections, caches and (for us) the JIT.
                await Wrk.RunAsync(new Uri(address, $"v2/{image}/manifests/latest"), mediaType, settings.ManifestConnections, settings.Threads, TimeSpan.FromSeconds(1), work, cancellationToken);
                await Wrk.RunAsync(new Uri(address, $"v2/{image}/blobs/{largest.Digest}"), null, 1, 1, TimeSpan.FromSeconds(1), work, cancellationToken);
            }
            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var kind in new[] { "manifest", "blob" })
                {
                    foreach (var (name, address) in targets)
                    {
                        var result = kind == "manifest"
                            ? await Wrk.RunAsync(new Uri(address, $"v2/{image}/manifests/latest"), mediaType, settings.ManifestConnections, settings.Threads, settings.Duration, work, cancellationToken)
                            : await Wrk.RunAsync(new Uri(address, $"v2/{image}/blobs/{largest.Digest}"), null, settings.BlobConnections, settings.Threads, settings.Duration, work, cancellationToken);
                        measurements.Add(new Measurement(name, kind, round, result));
                        log.WriteLine($"round {round} {kind,-8} {name,-15} {result.RequestsPerSecond,10:F0} req/s {result.MegabytesPerSecond,8:F0} MB/s p50 {result.P50.TotalMilliseconds:F2} ms p99 {result.P99.TotalMilliseconds:F2} ms errors {result.Errors}");
                    }
                }
            }
            return new BenchmarkReport(settings, image, mediaType, digest, largest.Digest, largest.Size, measurements);
        }
        finally
        {
            TryDelete(work);
        }
    }

    private static async Task<(string Digest, byte[] Bytes)> GetManifestAsync(
        HttpClient client, Uri registry, string image, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry, $"v2/{image}/manifests/latest"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await client.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{registry} answered {(int)response.StatusCode} for {image}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        if (response.Content.Headers.ContentType?.MediaType != accept)
            throw new InvalidOperationException($"{registry} answered {response.Content.Headers.ContentType} for {image}, not {accept}");
        return (string.Join(",", response.Headers.GetValues("Docker-Content-Digest")), bytes);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: it is under the temp directory.
        }
    }
}
