using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Nixery.Storage.S3.Tests.Support;
using Nixery.Testing;

namespace Nixery.Storage.S3.Tests.EndToEnd;

/// <summary>
/// The standalone server with its blobs in the RADOS Gateway, pulled by real clients: skopeo and podman follow the
/// registry's redirects to presigned URLs (whose signatures the gateway checks) and check every digest themselves.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RegistryOnS3Tests(RadosGateway gateway) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-s3-pull-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Skopeo_copies_an_image_whose_blobs_are_redirected_to_presigned_urls_and_the_bucket_holds_only_verified_blobs()
    {
        var bucket = await gateway.CreateBucketAsync("e2e");
        await using var registry = await S3Registry.StartAsync(gateway.Endpoint, bucket);
        var layout = Path.Combine(_scratch, "oci");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{layout}:latest");

        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")));
        var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "blobs", "sha256", manifestDigest["sha256:".Length..])));
        var layers = manifest.RootElement.GetProperty("layers").GetArrayLength();
        Assert.True(layers >= 2, $"expected several layers, got {layers}");
        Assert.True(registry.Redirects >= layers + 1, $"expected every blob (config and {layers} layers) redirected, saw {registry.Redirects} redirects");
        OciLayout.AssertBlobsHashToTheirNames(layout);
        await AssertBucketHoldsOnlyBlobsUnderTheirDigestsAsync(gateway.Endpoint, bucket);
    }

    [Fact]
    public async Task Podman_pulls_and_runs_an_image_served_from_the_bucket()
    {
        var bucket = await gateway.CreateBucketAsync("e2e");
        await using var registry = await S3Registry.StartAsync(gateway.Endpoint, bucket);
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

    /// <summary>Nothing in staging/, no multipart upload pending, and every object under a digest name, downloaded again, hashes to it.</summary>
    internal static async Task AssertBucketHoldsOnlyBlobsUnderTheirDigestsAsync(Uri endpoint, string bucket, bool expectBlobs = true)
    {
        var keys = await Stores.KeysAsync(endpoint, bucket);
        Assert.DoesNotContain(keys, key => key.StartsWith("staging/", StringComparison.Ordinal));
        Assert.Empty(await Stores.PendingUploadsAsync(endpoint, bucket));
        if (expectBlobs) Assert.Contains(keys, key => key.StartsWith("blobs/sha256/", StringComparison.Ordinal));
        using var client = Stores.Client(endpoint);
        foreach (var key in keys)
        {
            Assert.True(key.StartsWith("blobs/sha256/", StringComparison.Ordinal) || key.StartsWith("records/", StringComparison.Ordinal), key);
            if (!key.StartsWith("blobs/sha256/", StringComparison.Ordinal)) continue;
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key });
            using var sha = SHA256.Create();
            Assert.Equal(key["blobs/sha256/".Length..], Convert.ToHexStringLower(await sha.ComputeHashAsync(response.ResponseStream)));
        }
    }
}
