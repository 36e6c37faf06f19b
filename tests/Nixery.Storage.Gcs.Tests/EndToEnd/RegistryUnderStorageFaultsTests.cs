using Nixery.Testing;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.EndToEnd;

/// <summary>
/// The registry with its blobs behind the protocol peer while it fails uploads (503, a cut connection, 503 after part
/// of a chunk was persisted, a failed rewrite): nothing partial or corrupt ever appears under a digest name, and the
/// pull either succeeds (the failures were retried) or fails with a clear error.
/// </summary>
public sealed class RegistryUnderStorageFaultsTests : IAsyncLifetime
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-gcs-faults-").FullName;
    private GcsPeer _peer = null!;

    public async Task InitializeAsync() => _peer = await GcsPeer.StartAsync();

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private void AssertEveryBlobIsCompleteUnderItsDigest()
    {
        foreach (var (name, item) in _peer.Objects)
        {
            Assert.False(name.StartsWith("staging/", StringComparison.Ordinal), $"{name} was left behind");
            if (!name.StartsWith("blobs/sha256/", StringComparison.Ordinal)) continue;
            Assert.Equal(name["blobs/sha256/".Length..], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(item.Data)));
        }
    }

    [Fact]
    public async Task Pull_succeeds_through_503s_and_cut_connections_mid_upload_and_every_stored_blob_matches_its_digest()
    {
        await using var registry = await GcsRegistry.StartAsync(_peer.Endpoint.Authority, GcsPeer.BucketName, o =>
        {
            o.ChunkSize = 256 * 1024;
            o.ResumableThreshold = 16 * 1024;
        });
        _peer.Fail("upload.chunk", "return-reset-connection", "return-503-after-256K", "return-503", "return-408");
        _peer.Fail("objects.rewrite", "return-503", "return-reset-connection");
        _peer.Fail("objects.insert", "return-503", "return-reset-connection");

        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{Path.Combine(_scratch, "oci")}:latest");

        Assert.Contains(_peer.Log, line => line.StartsWith("FAULT upload.chunk return-reset-connection", StringComparison.Ordinal));
        Assert.True(registry.Redirects > 0);
        AssertEveryBlobIsCompleteUnderItsDigest();
        Assert.Contains(_peer.Objects.Keys, name => name.StartsWith("blobs/sha256/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_fails_with_a_clear_error_when_storage_keeps_failing_and_nothing_is_left_under_a_digest_name()
    {
        await using var registry = await GcsRegistry.StartAsync(_peer.Endpoint.Authority, GcsPeer.BucketName, o =>
        {
            o.ResumableThreshold = 16 * 1024;
            o.Retry = Stores.FastRetries(3);
        });
        for (var i = 0; i < 500; i++)
        {
            _peer.Fail("upload.chunk", "return-503");
            _peer.Fail("upload.status", "return-503");
            _peer.Fail("objects.insert", "return-503");
        }

        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://{registry.Address}/v2/shell/hello/manifests/latest");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("\"code\":\"UNKNOWN\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain(_peer.Objects.Keys, name => name.StartsWith("blobs/", StringComparison.Ordinal));
        AssertEveryBlobIsCompleteUnderItsDigest();

        var (exitCode, _, error) = await ExternalTool.RunAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Address}/shell/hello:latest");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("500", error, StringComparison.Ordinal);
    }
}
