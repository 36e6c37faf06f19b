using Nixery.Testing;
using System.Text.Json;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.EndToEnd;

/// <summary>
/// The registry with its blobs in Cloud Storage (the emulator), pulled by real clients: skopeo and podman follow the
/// registry's redirects to signed emulator URLs and check every digest themselves.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class RegistryOnGcsTests(StorageEmulator emulator) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-gcs-pull-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Skopeo_copies_an_image_whose_blobs_are_redirected_to_signed_urls_and_the_bucket_holds_only_verified_blobs()
    {
        var bucket = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        await using var registry = await GcsRegistry.StartAsync(emulator.Host, bucket);
        var layout = Path.Combine(_scratch, "oci");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{layout}:latest");

        // skopeo verified each blob's digest; check the layout has config and layers, and that they came by redirect.
        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")));
        var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "blobs", "sha256", manifestDigest["sha256:".Length..])));
        var layers = manifest.RootElement.GetProperty("layers").GetArrayLength();
        Assert.True(layers >= 2, $"expected several layers, got {layers}");
        Assert.True(registry.Redirects >= layers + 1, $"expected every blob (config and {layers} layers) redirected, saw {registry.Redirects} redirects");
        OciLayout.AssertBlobsHashToTheirNames(layout);
        await AssertBucketHoldsOnlyBlobsUnderTheirDigestsAsync(emulator.Endpoint, bucket);
    }

    /// <summary>Nothing is left in staging/, and every object under a digest name, downloaded again, hashes to it.</summary>
    internal static async Task AssertBucketHoldsOnlyBlobsUnderTheirDigestsAsync(Uri endpoint, string bucket)
    {
        var client = Stores.Client(endpoint);
        var names = await Stores.NamesAsync(endpoint, bucket);
        Assert.DoesNotContain(names, name => name.StartsWith("staging/", StringComparison.Ordinal));
        Assert.Contains(names, name => name.StartsWith("blobs/sha256/", StringComparison.Ordinal));
        foreach (var name in names)
        {
            Assert.True(name.StartsWith("blobs/sha256/", StringComparison.Ordinal) || name.StartsWith("records/", StringComparison.Ordinal), name);
            if (!name.StartsWith("blobs/sha256/", StringComparison.Ordinal)) continue;
            using var copy = new MemoryStream();
            await client.DownloadObjectAsync(bucket, name, copy);
            Assert.Equal(name["blobs/sha256/".Length..], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(copy.ToArray())));
        }
    }

    [Fact]
    public async Task Skopeo_copies_an_image_whose_blob_urls_were_signed_by_iam_signBlob_without_a_key()
    {
        // As with GKE workload identity: the registry's credentials sign nothing themselves; IAM (the loopback peer,
        // signing as the dummy account) signs every URL, called with the access token the credentials got.
        await using var iam = await GcsPeer.StartAsync();
        iam.ExpectedAccessToken = GcsPeer.IssuedAccessToken;
        var key = GcsTestData.DummyKeyFileWithTokenEndpoint(new Uri(iam.Endpoint, "token"));
        var bucket = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        await using var registry = await GcsRegistry.StartAsync(emulator.Host, bucket, options =>
        {
            options.CredentialsFile = key;
            options.UrlSigner = GcsUrlSigner.SignBlob;
            options.IamEndpoint = iam.Endpoint;
        });
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{Path.Combine(_scratch, "oci")}:latest");

        Assert.True(registry.Redirects >= 2, $"expected blobs redirected to the bucket, saw {registry.Redirects} redirects");
        // One probe at the start, then one signature per redirect.
        Assert.Equal(registry.Redirects + 1, iam.SignedBlobs.Count);
        File.Delete(key);
    }

    [Fact]
    public async Task Podman_pulls_and_runs_an_image_served_from_the_bucket()
    {
        var bucket = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        await using var registry = await GcsRegistry.StartAsync(emulator.Host, bucket);
        var image = $"{registry.Address}/shell/hello:latest";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);
            var hello = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "hello");
            Assert.Contains("Hello, world!", hello);
            Assert.True(registry.Redirects > 0, "no blob request was redirected to the bucket");
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
        }
    }
}
