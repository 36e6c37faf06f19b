using Nixery.Abstractions.Storage;
using Nixery.Storage.Gcs.Tests.Support;
using Nixery.Storage.Testing;

namespace Nixery.Storage.Gcs.Tests.Storage;

/// <summary>
/// The storage conformance kit against firebase-tools' Cloud Storage emulator, for what it can do: a bucket of its own
/// per test, uploads through the library (one chunk each: the emulator keeps only the first chunk of a multi-chunk
/// resumable upload, so <see cref="GcsStorageOptions.ChunkSize"/> is above the large blob, which still goes through
/// <c>staging/</c> and a copy), listing in pages of 7 (so 60 records take 9 pages), and redirects to signed emulator URLs.
/// Preconditions, multi-chunk uploads and HEAD lengths are the peer's (<see cref="GcsPeerConformanceTests"/>).
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class GcsEmulatorConformanceTests(StorageEmulator emulator) : StorageConformanceTests
{
    protected override StorageCapabilities Capabilities =>
        StorageCapabilities.Stat | StorageCapabilities.Redirects | StorageCapabilities.Deletion | StorageCapabilities.Listing | StorageCapabilities.StartupCheck;

    /// <summary>Measured: the emulator ignores <c>ifGenerationMatch=0</c>; the peer's kit run tests create-only writes.</summary>
    protected override bool ServerIgnoresConditionalWrites => true;

    /// <summary>Measured: the emulator answers HEAD of an object without <c>Content-Length</c>; the peer's kit run checks it.</summary>
    protected override bool ServerAnswersHeadWithLength => false;

    protected override Task<IStorageBackend> CreateStorageAsync() =>
        Task.FromResult<IStorageBackend>(Stores.Storage(emulator.Endpoint, "kit-" + Guid.NewGuid().ToString("N")[..12], o =>
        {
            o.ChunkSize = 32 * 1024 * 1024;
            o.ListPageSize = 7;
        }, Stores.KeySigner()));
}
