using Nixery.Abstractions.Storage;
using Nixery.Storage.S3.Tests.Support;
using Nixery.Storage.Testing;

namespace Nixery.Storage.S3.Tests.Storage;

/// <summary>
/// The storage conformance kit against Ceph's RADOS Gateway, with no opt-outs: a bucket of its own per test, the large
/// blob (20 MiB and a bit) in 5 MiB parts of a multipart upload, listing in pages of 7 (60 records take 9 pages), and
/// redirects to presigned URLs whose signatures the gateway checks.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RadosGatewayConformanceTests(RadosGateway gateway) : StorageConformanceTests
{
    protected override StorageCapabilities Capabilities =>
        StorageCapabilities.Stat | StorageCapabilities.Redirects | StorageCapabilities.Deletion | StorageCapabilities.Listing | StorageCapabilities.StartupCheck;

    protected override async Task<IStorageBackend> CreateStorageAsync() =>
        Stores.Storage(gateway.Endpoint, await gateway.CreateBucketAsync("kit"), o =>
        {
            o.PartSize = S3StorageOptions.MinimumPartSize;
            o.MultipartThreshold = 1024 * 1024;
            o.ListPageSize = 7;
        });
}
