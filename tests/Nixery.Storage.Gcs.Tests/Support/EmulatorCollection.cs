namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>Tests that share one emulator (each uses a bucket of its own).</summary>
[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<StorageEmulator>
{
    public const string Name = "storage emulator";
}
