using MyRegistry;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Testing;

namespace Nixery.IntegrationTests.Extending;

/// <summary>The storage recipe of docs/extending.md passes the conformance kit, as a third party's backend would.</summary>
public sealed class MemoryStorageConformanceTests : StorageConformanceTests
{
    protected override StorageCapabilities Capabilities =>
        StorageCapabilities.Stat | StorageCapabilities.Deletion | StorageCapabilities.Listing;

    protected override Task<IStorageBackend> CreateStorageAsync() => Task.FromResult<IStorageBackend>(new MemoryStorage());
}
