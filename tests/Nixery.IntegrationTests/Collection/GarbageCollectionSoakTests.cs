using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nixery.Abstractions.Oci;
using Nixery.Testing;
using Xunit.Abstractions;

namespace Nixery.IntegrationTests.Collection;

/// <summary>
/// 300 distinct images built by the standalone server, then <c>nixery gc</c> with a retention that covers the last 50,
/// while those 50 are pulled in a loop: the store keeps exactly their blobs, each of them still pulls, nothing answers
/// 5xx, and an image whose blobs went builds again. Each image's SBOM artifacts count among its blobs, and the referrer
/// records of the images collected go with them.
/// </summary>
public sealed class GarbageCollectionSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _storage = Directory.CreateTempSubdirectory("nixery-gc-store-").FullName;

    public void Dispose() => Directory.Delete(_storage, recursive: true);

    [Fact]
    public async Task Collecting_300_images_with_a_retention_of_the_last_50_keeps_exactly_their_blobs_and_no_pull_fails()
    {
        // Built images answer again for 3 s only (not one minute): the retention here is seconds, and a pull of an image
        // past it must find it gone, not remembered. So the pull loop below also builds while the collection runs.
        var settings = new Dictionary<string, string> { ["STORAGE_PATH"] = _storage, ["Nixery__Registry__RecentBuildLifetime"] = "00:00:03" };
        await using var cluster = await ReplicaCluster.StartAsync(1, settings, null, TimeSpan.FromSeconds(30));
        var images = Enumerable.Range(0, 300).Select(_ => $"shell/{cluster.AddProbe(TimeSpan.Zero)}").ToList();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{cluster.HostOf(0)}"), Timeout = TimeSpan.FromMinutes(2) };

        await BuildAllAsync(http, images[..250]);
        var oldOnesDone = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(10));
        var window = await BuildAllAsync(http, images[250..]);
        var needed = window.Values.SelectMany(blobs => blobs).ToHashSet();
        var before = StoredBlobs();
        Assert.True(before.Count > needed.Count + 250, $"only {before.Count} blobs for 300 images");

        // Images used within the last (now - oldOnesDone - 5 s): the last 50, built more than 5 s after the first 250.
        var retention = (DateTimeOffset.UtcNow - oldOnesDone - TimeSpan.FromSeconds(5)).ToString("c");
        var dryRun = await cluster.RunNixeryAsync("gc", "--retention", retention, "--grace-period", "0");
        Assert.True(dryRun.ExitCode == 0, dryRun.Error + dryRun.Output);
        Assert.Contains("dry run: nothing was deleted", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(before, StoredBlobs());

        // Pulls of the window run all through the collection.
        var statuses = new ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                foreach (var image in images[250..].Take(10))
                    foreach (var status in (await PullAsync(http, image)).Statuses) statuses.Add(status);
        });
        var collected = await cluster.RunNixeryAsync("gc", "--apply", "--retention", retention, "--grace-period", "0");
        await stop.CancelAsync();
        await loop;

        Assert.True(collected.ExitCode == 0, collected.Error + collected.Output);
        output.WriteLine(collected.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        var after = StoredBlobs();
        Assert.Equal(needed.OrderBy(d => d, StringComparer.Ordinal), after.OrderBy(d => d, StringComparer.Ordinal));
        // Referrer records are left for the kept images' manifests alone (both forms of each).
        var subjects = window.Values.SelectMany(blobs => blobs.Take(2)).ToHashSet();
        Assert.Equal(subjects.Order(StringComparer.Ordinal), ReferrerSubjects().Order(StringComparer.Ordinal));
        var deleted = before.Count - after.Count;
        Assert.Contains($"deleted {deleted} blobs", collected.Output, StringComparison.Ordinal);
        Assert.Contains("for 50 images used within the retention (250 not)", collected.Output, StringComparison.Ordinal);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));

        // Every image of the window still pulls, with a real client too; an image whose blobs went is built again.
        foreach (var image in images[250..])
            Assert.All((await PullAsync(http, image)).Statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var skopeo = await cluster.PullAsync(0, images[299]);
        Assert.True(skopeo.ExitCode == 0, skopeo.Error);
        var rebuilt = await cluster.PullAsync(0, images[0]);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Error);
    }

    /// <summary>Builds each image (four at a time) by asking for its manifests; returns each image's blobs.</summary>
    private static async Task<Dictionary<string, IReadOnlyList<string>>> BuildAllAsync(HttpClient http, IReadOnlyList<string> images)
    {
        var blobs = new ConcurrentDictionary<string, IReadOnlyList<string>>();
        await Parallel.ForEachAsync(images, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (image, _) =>
        {
            var pull = await PullAsync(http, image);
            Assert.All(pull.Statuses, status => Assert.Equal(HttpStatusCode.OK, status));
            blobs[image] = pull.Blobs;
        });
        return new Dictionary<string, IReadOnlyList<string>>(blobs);
    }

    /// <summary>A pull by HTTP: both manifest forms by tag, then the config and layers; every status and every blob's digest.</summary>
    private static async Task<(List<HttpStatusCode> Statuses, List<string> Blobs)> PullAsync(HttpClient http, string image)
    {
        var (statuses, blobs) = (new List<HttpStatusCode>(), new List<string>());
        JsonDocument? oci = null;
        foreach (var mediaType in new[] { MediaTypes.DockerManifest, MediaTypes.OciManifest })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{image}/manifests/latest");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (!response.IsSuccessStatusCode) return (statuses, blobs);
            blobs.Add(response.Headers.GetValues("Docker-Content-Digest").Single());
            if (mediaType == MediaTypes.OciManifest) oci = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        }
        using (oci) await PullBlobsAsync(http, image, oci!.RootElement, statuses, blobs);

        // The SBOM artifacts of both manifests, as a client discovering them would pull them.
        foreach (var subject in blobs.Take(2).ToList())
        {
            using var referrers = JsonDocument.Parse(await http.GetStringAsync($"/v2/{image}/referrers/{subject}"));
            foreach (var referrer in referrers.RootElement.GetProperty("manifests").EnumerateArray())
            {
                var digest = referrer.GetProperty("digest").GetString()!;
                using var response = await http.GetAsync($"/v2/{image}/manifests/{digest}");
                statuses.Add(response.StatusCode);
                if (!response.IsSuccessStatusCode) continue;
                blobs.Add(digest);
                using var artifact = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                await PullBlobsAsync(http, image, artifact.RootElement, statuses, blobs);
            }
        }
        return (statuses, blobs);
    }

    /// <summary>Gets the config and layers of a manifest, noting each status and digest.</summary>
    private static async Task PullBlobsAsync(HttpClient http, string image, JsonElement manifest, List<HttpStatusCode> statuses, List<string> blobs)
    {
        foreach (var blob in manifest.GetProperty("layers").EnumerateArray().Append(manifest.GetProperty("config")))
        {
            var digest = blob.GetProperty("digest").GetString()!;
            using var got = await http.GetAsync($"/v2/{image}/blobs/{digest}");
            statuses.Add(got.StatusCode);
            if (got.IsSuccessStatusCode && (await got.Content.ReadAsByteArrayAsync()).Length != blob.GetProperty("size").GetInt64())
                throw new InvalidOperationException($"blob {digest} of {image} came back short");
            blobs.Add(digest);
        }
    }

    private HashSet<string> ReferrerSubjects() =>
        [.. Directory.EnumerateFiles(Path.Combine(_storage, "records", "referrers")).Select(file => "sha256:" + Path.GetFileNameWithoutExtension(file))];

    private HashSet<string> StoredBlobs() =>
        [.. Directory.EnumerateFiles(Path.Combine(_storage, "blobs", "sha256")).Select(file => "sha256:" + Path.GetFileName(file))];
}
