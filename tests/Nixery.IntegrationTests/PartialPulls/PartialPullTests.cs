using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nixery.IntegrationTests.Registry;
using Nixery.Testing;
using Xunit.Abstractions;

namespace Nixery.IntegrationTests.PartialPulls;

/// <summary>
/// podman with partial pulls enabled (containers/storage reads the eStargz TOC and fetches only the chunks it lacks, by
/// multi-range GETs) against full pulls of the same images, and against the file-level floor: the compressed bytes of
/// the files the client did not have yet. The fleet is three point releases of the demo runtime, pulled in order.
/// </summary>
public sealed class PartialPullTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Fleet = ["shell/demoruntime_1_0", "shell/demoruntime_1_1", "shell/demoruntime_1_2"];

    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync(null, "--Nixery:Packing:Format=estargz");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Podman_with_partial_pulls_fetches_at_most_a_tenth_more_than_the_files_it_lacks_and_runs_the_same_files()
    {
        using var served = new BlobBytesServed(_server.Services.GetRequiredService<IMeterFactory>());
        var full = await PullFleetAsync("full", partialPulls: false, served);
        var partial = await PullFleetAsync("partial", partialPulls: true, served);
        var floor = await FileLevelFloorAsync();

        output.WriteLine("| image | full pull | partial pull | file-level floor | partial / floor |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        for (var i = 0; i < Fleet.Length; i++)
            output.WriteLine($"| {Fleet[i]} | {full[i].Bytes:N0} | {partial[i].Bytes:N0} | {floor[i]:N0} | {(double)partial[i].Bytes / floor[i]:F3} |");
        output.WriteLine($"| fleet | {full.Sum(p => p.Bytes):N0} | {partial.Sum(p => p.Bytes):N0} | {floor.Sum():N0} | {(double)partial.Sum(p => p.Bytes) / floor.Sum():F3} |");

        // Files assembled from chunks of other layers are the files a full pull unpacked.
        for (var i = 0; i < Fleet.Length; i++) Assert.Equal(full[i].Files, partial[i].Files);
        Assert.True(partial.Sum(p => p.Bytes) <= 1.1 * floor.Sum(), $"partial pulls fetched {partial.Sum(p => p.Bytes):N0} bytes, the floor is {floor.Sum():N0}");
        // Past the first release, a partial pull fetches the changed modules, not the runtime's whole layer.
        for (var i = 1; i < Fleet.Length; i++)
            Assert.True(partial[i].Bytes < full[i].Bytes / 2, $"{Fleet[i]}: partial {partial[i].Bytes:N0} bytes against {full[i].Bytes:N0} for a full pull");
    }

    private sealed record Pulled(long Bytes, string Files);

    /// <summary>Pulls the fleet in order into a podman store of its own, and lists each image's runtime files with their hashes.</summary>
    private async Task<List<Pulled>> PullFleetAsync(string store, bool partialPulls, BlobBytesServed served)
    {
        var root = Path.Combine(_server.Directory, "podman-" + store);
        var conf = Path.Combine(root, "storage.conf");
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(conf, $"""
            [storage]
            driver = "overlay"
            graphroot = "{Path.Combine(root, "graph")}"
            runroot = "{Path.Combine(root, "run")}"
            [storage.options]
            pull_options = {(partialPulls ? """{enable_partial_images = "true", use_hard_links = "false", ostree_repos = ""}""" : """{enable_partial_images = "false"}""")}
            """);
        var environment = new Dictionary<string, string> { ["CONTAINERS_STORAGE_CONF"] = conf };
        var pulled = new List<Pulled>();
        try
        {
            foreach (var name in Fleet)
            {
                var image = $"{_server.Host}/{name}";
                var before = served.Total;
                await ExternalTool.RunCheckedAsync(environment, "podman", "pull", "--quiet", "--tls-verify=false", image);
                var bytes = served.Total - before;
                var files = await ExternalTool.RunCheckedAsync(environment, "podman", "run", "--rm", image,
                    "bash", "-c", "busybox sha256sum /nix/store/*-demo-runtime-*/lib/demo-runtime/*.txt");
                Assert.Equal(8, files.Trim().Split('\n').Length);
                pulled.Add(new Pulled(bytes, files));
            }
        }
        finally
        {
            await ExternalTool.RunAsync(environment, "podman", "rmi", "--all", "--force");
        }
        return pulled;
    }

    /// <summary>
    /// Per image, in fleet order: its config, plus the compressed chunks of layers the client did not have whose content
    /// no earlier image had. What any client must fetch at least, short of a smaller compression.
    /// </summary>
    private async Task<List<long>> FileLevelFloorAsync()
    {
        var seenLayers = new HashSet<string>();
        var seenChunks = new HashSet<string>();
        var floor = new List<long>();
        foreach (var name in Fleet)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{name}/manifests/latest");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
            using var response = await _server.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            long bytes = manifest.RootElement.GetProperty("config").GetProperty("size").GetInt64();
            foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
            {
                var digest = layer.GetProperty("digest").GetString()!;
                if (!seenLayers.Add(digest)) continue;
                var blob = await _server.Client.GetByteArrayAsync($"/v2/{name}/blobs/{digest}");
                bytes += EstargzToc.Chunks(blob).Where(chunk => seenChunks.Add(chunk.Digest)).Sum(chunk => chunk.CompressedLength);
            }
            floor.Add(bytes);
        }
        return floor;
    }
}
