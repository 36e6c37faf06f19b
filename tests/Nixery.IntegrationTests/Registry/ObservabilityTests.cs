using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nixery.Abstractions.Oci;

namespace Nixery.IntegrationTests.Registry;

/// <summary>The standalone server's probes and metrics, as Kubernetes and Prometheus read them.</summary>
public sealed class ObservabilityTests
{
    [Fact]
    public async Task After_a_pull_metrics_show_builds_and_their_seconds_bytes_served_queue_depth_and_errors_by_code()
    {
        await using var server = await StandaloneServer.StartAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v2/shell/hello/manifests/latest"))
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
            using var response = await server.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
                await server.Client.GetByteArrayAsync($"/v2/shell/hello/blobs/{layer.GetProperty("digest").GetString()}");
        }
        using (var missing = await server.Client.GetAsync("/v2/shell/no-such-package/manifests/latest"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var scrape = await server.Client.GetAsync("/metrics");
        scrape.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.Matches(@"(?m)^nixery_images_built_total(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"(?m)^nixery_build_duration_seconds_count\{[^}]*nixery_build_outcome=""built""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^nixery_build_duration_seconds_count\{[^}]*nixery_build_outcome=""packages-not-found""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^nixery_builds_admitted(\{[^}]*\})? \d", text);
        Assert.Matches(@"(?m)^nixery_registry_blob_bytes_served_bytes_total\{[^}]*nixery_blob_request=""whole""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^nixery_registry_errors_total\{[^}]*error_code=""MANIFEST_UNKNOWN""[^}]*\} 1", text);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_200_listing_the_checks_of_nix_storage_and_disk()
    {
        await using var server = await StandaloneServer.StartAsync();

        using var live = await server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await server.Client.GetAsync("/readyz");
        var body = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks");
        foreach (var name in new[] { "nixery-nix", "nixery-storage", "nixery-disk", "nixery-coordinator" })
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        Assert.Contains("nix-store", checks.GetProperty("nixery-nix").GetProperty("description").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Too_little_free_disk_makes_the_server_unready_but_alive_and_says_which_disk_and_which_setting()
    {
        await using var server = await StandaloneServer.StartAsync(null, "--Nixery:Health:MinimumFreeBytes=1000000000000000000");

        using var live = await server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var disk = json.RootElement.GetProperty("checks").GetProperty("nixery-disk");
        Assert.Equal("Unhealthy", disk.GetProperty("status").GetString());
        var description = disk.GetProperty("description").GetString();
        Assert.Contains("/nix/store", description, StringComparison.Ordinal);
        Assert.Contains("Nixery:Health:MinimumFreeBytes", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_that_stops_taking_writes_makes_the_server_unready_naming_the_storage_failure()
    {
        // Checks are reused for Nixery:Health:CacheDuration (10 s by default): none here, so the next probe sees the change.
        await using var server = await StandaloneServer.StartAsync(null, "--Nixery:Health:CacheDuration=00:00:00");
        using (var before = await server.Client.GetAsync("/readyz"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        // The storage directory becomes a file, as a lost mount or a wrong volume could leave it.
        var storage = Path.Combine(server.Directory, "storage");
        Directory.Delete(storage, recursive: true);
        await File.WriteAllTextAsync(storage, "");

        using var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var check = json.RootElement.GetProperty("checks").GetProperty("nixery-storage");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("health/", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
