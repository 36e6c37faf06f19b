using Microsoft.AspNetCore.Http;
using Nixery.Storage.Azure.Tests.Support;
using Nixery.Testing;

namespace Nixery.Storage.Azure.Tests.EndToEnd;

/// <summary>
/// The standalone server with its blobs in Azurite behind a fault-injecting proxy: staged blocks, block lists, puts,
/// copies and reads answered 503, blocks cut mid-body, and a slow server. The SDK retries them; skopeo's pull succeeds
/// through SAS redirects to the proxy, and the container holds only whole blobs under their digests. When the store
/// keeps failing, the pull fails with a clear error and nothing is under a digest name.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RegistryBehindFaultyNetworkTests(Azurite azurite) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-azure-proxy-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static bool IsComp(HttpRequest request, string comp) => request.Method == "PUT" && request.Query["comp"] == comp;

    private static bool IsBlock(HttpRequest request) => IsComp(request, "block");

    private static bool IsCopy(HttpRequest request) => request.Method == "PUT" && request.Headers.ContainsKey("x-ms-copy-source");

    private static bool IsPut(HttpRequest request) =>
        request.Method == "PUT" && !request.Query.ContainsKey("comp") && !request.Query.ContainsKey("restype") && !request.Headers.ContainsKey("x-ms-copy-source");

    [Fact]
    public async Task Pull_succeeds_through_503s_blocks_cut_mid_upload_and_a_slow_server_and_the_container_holds_only_whole_blobs()
    {
        await using var proxy = await FaultInjectingProxy.StartAsync(new Uri(azurite.AccountUrl.GetLeftPart(UriPartial.Authority)));
        var container = await azurite.CreateContainerAsync("proxy");
        await using var registry = await AzureRegistry.StartAsync(azurite.ConnectionString(proxy.Endpoint), container);
        proxy.FailWith503(IsBlock, count: 2);
        proxy.CutRequestBody(IsBlock, bytes: 16 * 1024, count: 2);
        proxy.FailWith503(request => IsComp(request, "blocklist"), count: 1);
        proxy.FailWith503(IsCopy, count: 2);
        proxy.FailWith503(IsPut, count: 2);
        proxy.FailWith503(request => request.Method == "GET" && request.Path.Value!.Contains("/blobs/", StringComparison.Ordinal), count: 2);
        proxy.Delay(IsBlock, TimeSpan.FromSeconds(1), count: 3);

        var layout = Path.Combine(_scratch, "oci");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{layout}:latest");

        Assert.Equal(0, proxy.PendingFaults);
        Assert.True(registry.Redirects > 0, "no blob request was redirected to the container");
        Assert.Contains(proxy.Requests, request => request.StartsWith($"GET /{Azurite.AccountName}/{container}/blobs/sha256/", StringComparison.Ordinal) && request.Contains("sig=", StringComparison.Ordinal));
        OciLayout.AssertBlobsHashToTheirNames(layout);
        await RegistryOnAzureTests.AssertContainerHoldsOnlyBlobsUnderTheirDigestsAsync(azurite, container);
    }

    [Fact]
    public async Task Pull_fails_with_a_clear_error_when_the_store_keeps_failing_and_nothing_is_left_under_a_digest_name()
    {
        await using var proxy = await FaultInjectingProxy.StartAsync(new Uri(azurite.AccountUrl.GetLeftPart(UriPartial.Authority)));
        var container = await azurite.CreateContainerAsync("down");
        await using var registry = await AzureRegistry.StartAsync(azurite.ConnectionString(proxy.Endpoint), container, "--Nixery:AzureStorage:MaxRetries=2");
        proxy.FailWith503(IsBlock, count: 500);
        proxy.FailWith503(IsPut, count: 500);

        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://{registry.Address}/v2/shell/hello/manifests/latest");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("\"code\":\"UNKNOWN\"", body, StringComparison.Ordinal);
        await RegistryOnAzureTests.AssertContainerHoldsOnlyBlobsUnderTheirDigestsAsync(azurite, container, expectBlobs: false);
        Assert.DoesNotContain(await Stores.NamesAsync(azurite, container), name => name.StartsWith("blobs/", StringComparison.Ordinal));

        var (exitCode, _, error) = await ExternalTool.RunAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Address}/shell/hello:latest");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("500", error, StringComparison.Ordinal);
    }
}
