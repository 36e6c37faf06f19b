using Microsoft.AspNetCore.Http;
using Nixery.Testing;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.EndToEnd;

/// <summary>
/// The registry with its blobs in the emulator behind a fault-injecting proxy (the emulator injects no faults itself):
/// uploads, copies and reads answered 503, uploads' first requests cut mid-body, and a slow server. skopeo's pull
/// succeeds through the redirects, and every object under a digest name in the bucket, downloaded again, hashes to that
/// digest. Faults of an upload's chunks are played against the peer (RegistryUnderStorageFaultsTests): after one, the
/// library asks the session what it holds, and the emulator answers that by finishing the object with the bytes it has
/// (measured: none, so the backend deletes the object and fails the upload).
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class RegistryBehindFaultyNetworkTests(StorageEmulator emulator) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-gcs-proxy-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static bool IsUploadStart(HttpRequest request) =>
        request.Method == "POST" && request.Path.StartsWithSegments("/upload", StringComparison.Ordinal);

    private static bool IsCopy(HttpRequest request) => request.Method == "POST" && request.Path.Value!.Contains("/rewriteTo/", StringComparison.Ordinal);

    [Fact]
    public async Task Pull_succeeds_through_503s_cut_upload_bodies_and_a_slow_server_and_the_bucket_holds_only_whole_blobs()
    {
        await using var proxy = await FaultInjectingProxy.StartAsync(emulator.Endpoint);
        var bucket = "proxy-" + Guid.NewGuid().ToString("N")[..10];
        await using var registry = await GcsRegistry.StartAsync(proxy.Endpoint.Authority, bucket);
        proxy.FailWith503(IsUploadStart, count: 2);
        proxy.FailWith503(IsCopy, count: 2);
        proxy.FailWith503(request => request.Method == "GET", count: 2);
        proxy.CutRequestBody(IsUploadStart, bytes: 10, count: 2);
        proxy.Delay(IsUploadStart, TimeSpan.FromSeconds(1), count: 3);

        var layout = Path.Combine(_scratch, "oci");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{layout}:latest");

        Assert.Equal(0, proxy.PendingFaults);
        Assert.True(registry.Redirects > 0, "no blob request was redirected to the bucket");
        OciLayout.AssertBlobsHashToTheirNames(layout);
        await RegistryOnGcsTests.AssertBucketHoldsOnlyBlobsUnderTheirDigestsAsync(emulator.Endpoint, bucket);
    }
}
