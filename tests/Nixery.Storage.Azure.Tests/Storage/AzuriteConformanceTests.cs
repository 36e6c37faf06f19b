using Nixery.Abstractions.Storage;
using Nixery.Storage.Azure.Tests.Support;
using Nixery.Storage.Testing;

namespace Nixery.Storage.Azure.Tests.Storage;

/// <summary>
/// The storage conformance kit against Azurite, with no opt-outs: a container of its own per test, the large blob
/// (20 MiB and a bit) staged in 4 MiB blocks and copied, listing in pages of 7 (60 records take 9 pages), and
/// redirects to account-key SAS URLs whose signatures Azurite checks.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteConformanceTests(Azurite azurite) : StorageConformanceTests
{
    protected override StorageCapabilities Capabilities =>
        StorageCapabilities.Stat | StorageCapabilities.Redirects | StorageCapabilities.Deletion | StorageCapabilities.Listing | StorageCapabilities.StartupCheck;

    protected override async Task<IStorageBackend> CreateStorageAsync() =>
        Stores.Storage(azurite, await azurite.CreateContainerAsync("kit"), o =>
        {
            o.BlockSize = 4 * 1024 * 1024;
            o.ListPageSize = 7;
        });
}
