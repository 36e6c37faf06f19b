using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nixery.Abstractions.Oci;
using Nixery.IntegrationTests.Support;
using Nixery.RegistryBenchmark.Backends;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// Three replicas of the standalone server on one store behind a load balancer that follows their readiness probes;
/// pulls run in a loop while one replica gets SIGTERM and starts again, as a Kubernetes rolling restart does.
/// </summary>
public sealed class RollingRestartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-rolling-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: it is under the temp directory.
        }
    }

    [Fact]
    public async Task A_replica_restarted_with_sigterm_during_a_pull_loop_costs_no_failed_pull_and_no_5xx()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => StandaloneServerProcess.FreePort()).ToArray();
        var replicas = new StandaloneServerProcess?[3];
        try
        {
            for (var i = 0; i < 3; i++) replicas[i] = await StandaloneServerProcess.StartAsync(RepositoryRoot.Path, Environment(i), ports[i]);
            await using var balancer = await LoopbackLoadBalancer.StartAsync([.. ports.Select(p => new Uri($"http://127.0.0.1:{p}"))]);
            using var http = new HttpClient { BaseAddress = balancer.Address, Timeout = TimeSpan.FromMinutes(2) };
            await PullAsync(http); // built once before the loop starts, so the loop measures serving

            var statuses = new ConcurrentBag<HttpStatusCode>();
            var failures = new ConcurrentBag<string>();
            using var stop = new CancellationTokenSource();
            var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        foreach (var status in await PullAsync(http)) statuses.Add(status);
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException)
                    {
                        failures.Add(exception.Message);
                    }
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(1));
            var exitCode = await replicas[1]!.TerminateAsync(TimeSpan.FromSeconds(30));
            var stoppedOutput = replicas[1]!.Output;
            await replicas[1]!.DisposeAsync();
            replicas[1] = await StandaloneServerProcess.StartAsync(RepositoryRoot.Path, Environment(1), ports[1]);
            await Task.Delay(TimeSpan.FromSeconds(2)); // the balancer sees it ready again and sends it pulls
            var podman = await ExternalTool.RunAsync("podman", "pull", "--quiet", "--tls-verify=false", $"{balancer.Address.Authority}/shell/hello");
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            await ExternalTool.RunAsync("podman", "rmi", "--force", $"{balancer.Address.Authority}/shell/hello");

            Assert.Equal(0, exitCode);
            Assert.Contains("Stopping: /readyz fails", stoppedOutput, StringComparison.Ordinal);
            Assert.Empty(failures);
            Assert.True(statuses.Count > 50, $"only {statuses.Count} requests ran during the restart");
            Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
            Assert.True(podman.ExitCode == 0, podman.Error);
        }
        finally
        {
            foreach (var replica in replicas)
                if (replica is not null) await replica.DisposeAsync();
        }
    }

    private Dictionary<string, string> Environment(int replica) => new()
    {
        ["STORAGE_PATH"] = Path.Combine(_directory, "storage"),
        ["NIXERY_PKGS_PATH"] = RepositoryRoot.DemoPackages,
        ["Nixery__Nix__StateDirectory"] = Path.Combine(_directory, $"nix-{replica}"),
        ["Nixery__Nix__ExtraArguments__0"] = "--option",
        ["Nixery__Nix__ExtraArguments__1"] = "substitute",
        ["Nixery__Nix__ExtraArguments__2"] = "false",
        // Long enough for the balancer to see /readyz fail (two probes 250 ms apart) before connections close.
        ["Nixery__Shutdown__DrainDelay"] = "00:00:02",
        ["Logging__LogLevel__Default"] = "Information",
    };

    /// <summary>A pull as a client makes it: the manifest, then its config and layers; returns every status.</summary>
    private static async Task<List<HttpStatusCode>> PullAsync(HttpClient http)
    {
        var statuses = new List<HttpStatusCode>();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/shell/hello/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
        using var response = await http.SendAsync(request);
        statuses.Add(response.StatusCode);
        if (!response.IsSuccessStatusCode) return statuses;
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var blobs = manifest.RootElement.GetProperty("layers").EnumerateArray().Append(manifest.RootElement.GetProperty("config"));
        foreach (var blob in blobs)
        {
            using var got = await http.GetAsync($"/v2/shell/hello/blobs/{blob.GetProperty("digest").GetString()}");
            statuses.Add(got.StatusCode);
            if (got.IsSuccessStatusCode && (await got.Content.ReadAsByteArrayAsync()).Length != blob.GetProperty("size").GetInt64())
                throw new InvalidOperationException($"blob {blob.GetProperty("digest").GetString()} came back short");
        }
        return statuses;
    }
}
