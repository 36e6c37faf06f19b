using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Support;
using Nixery.Storage.Testing;

namespace Nixery.Storage.Gcs.Tests.Storage;

/// <summary>
/// The storage conformance kit against the protocol peer, for what the emulator cannot do: resumable uploads of many
/// 256 KiB chunks (the large blob takes 81), <c>ifGenerationMatch</c> preconditions (create-only puts, concurrent
/// commits of one digest, guarded record replacement), the checksums the library sends checked, and listing in pages.
/// </summary>
public sealed class GcsPeerConformanceTests : StorageConformanceTests
{
    private GcsPeer? _peer;

    protected override StorageCapabilities Capabilities =>
        StorageCapabilities.Stat | StorageCapabilities.Redirects | StorageCapabilities.Deletion | StorageCapabilities.Listing | StorageCapabilities.StartupCheck;

    protected override async Task<IStorageBackend> CreateStorageAsync()
    {
        _peer = await GcsPeer.StartAsync();
        return Stores.Storage(_peer.Endpoint, GcsPeer.BucketName, o =>
        {
            o.ChunkSize = 256 * 1024;
            o.ResumableThreshold = 64 * 1024;
            o.ListPageSize = 7;
        }, Stores.KeySigner());
    }

    protected override async Task DeleteStorageAsync(IStorageBackend storage)
    {
        if (_peer is not null) await _peer.DisposeAsync();
    }
}
