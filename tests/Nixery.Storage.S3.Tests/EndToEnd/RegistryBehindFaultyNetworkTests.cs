using Microsoft.AspNetCore.Http;
using Nixery.Storage.S3.Tests.Support;
using Nixery.Testing;

namespace Nixery.Storage.S3.Tests.EndToEnd;

/// <summary>
/// The standalone server with its blobs in the RADOS Gateway behind a fault-injecting proxy (which keeps the Host header:
/// SigV4 signs it): parts, puts, copies and reads answered 503, parts cut mid-body, and a slow server. The SDK retries
/// them; skopeo's pull succeeds through presigned redirects to the proxy, and the bucket holds only whole blobs under
/// their digests. When the store keeps failing, the pull fails with a clear error and nothing is under a digest name.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RegistryBehindFaultyNetworkTests(RadosGateway gateway) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-s3-proxy-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static bool IsPart(HttpRequest request) => request.Method == "PUT" && request.Query.ContainsKey("partNumber");

    private static bool IsCopy(HttpRequest request) => request.Method == "PUT" && request.Headers.ContainsKey("x-amz-copy-source");

    private static bool IsPut(HttpRequest request) => request.Method == "PUT" && !request.Query.ContainsKey("partNumber") && !request.Headers.ContainsKey("x-amz-copy-source");

    [Fact]
    public async Task Pull_succeeds_through_503s_parts_cut_mid_upload_and_a_slow_server_and_the_bucket_holds_only_whole_blobs()
    {
        await using var proxy = await FaultInjectingProxy.StartAsync(gateway.Endpoint, preserveHost: true);
        var bucket = await gateway.CreateBucketAsync("proxy");
        await using var registry = await S3Registry.StartAsync(proxy.Endpoint, bucket);
        proxy.FailWith503(IsPart, count: 2);
        proxy.CutRequestBody(IsPart, bytes: 64 * 1024, count: 2);
        proxy.FailWith503(IsCopy, count: 2);
        proxy.FailWith503(IsPut, count: 2);
        proxy.FailWith503(request => request.Method == "GET", count: 2);
        proxy.Delay(IsPart, TimeSpan.FromSeconds(1), count: 3);

        var layout = Path.Combine(_scratch, "oci");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{layout}:latest");

        Assert.Equal(0, proxy.PendingFaults);
        Assert.True(registry.Redirects > 0, "no blob request was redirected to the bucket");
        Assert.Contains(proxy.Requests, request => request.StartsWith("GET /" + bucket + "/blobs/sha256/", StringComparison.Ordinal) && request.Contains("X-Amz-Signature=", StringComparison.Ordinal));
        OciLayout.AssertBlobsHashToTheirNames(layout);
        await RegistryOnS3Tests.AssertBucketHoldsOnlyBlobsUnderTheirDigestsAsync(gateway.Endpoint, bucket);
    }

    [Fact]
    public async Task Pull_fails_with_a_clear_error_when_the_store_keeps_failing_and_nothing_is_left_under_a_digest_name()
    {
        await using var proxy = await FaultInjectingProxy.StartAsync(gateway.Endpoint, preserveHost: true);
        var bucket = await gateway.CreateBucketAsync("down");
        await using var registry = await S3Registry.StartAsync(proxy.Endpoint, bucket, "--Nixery:S3Storage:MaxRetries=2");
        proxy.FailWith503(IsPart, count: 500);
        proxy.FailWith503(IsPut, count: 500);

        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://{registry.Address}/v2/shell/hello/manifests/latest");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("\"code\":\"UNKNOWN\"", body, StringComparison.Ordinal);
        await RegistryOnS3Tests.AssertBucketHoldsOnlyBlobsUnderTheirDigestsAsync(gateway.Endpoint, bucket, expectBlobs: false);
        Assert.DoesNotContain(await Stores.KeysAsync(gateway.Endpoint, bucket), key => key.StartsWith("blobs/", StringComparison.Ordinal));

        var (exitCode, _, error) = await ExternalTool.RunAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Address}/shell/hello:latest");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("500", error, StringComparison.Ordinal);
    }
}
