namespace Nixery.Storage.Testing;

/// <summary>The optional capabilities of a storage backend that its conformance tests expect it to offer.</summary>
[Flags]
public enum StorageCapabilities
{
    /// <summary>None beyond the required contract.</summary>
    None = 0,
    /// <summary><see cref="Abstractions.Storage.IStorageStat"/>.</summary>
    Stat = 1,
    /// <summary><see cref="Abstractions.Storage.IStorageRedirects"/>.</summary>
    Redirects = 2,
    /// <summary><see cref="Abstractions.Storage.IStorageDeletion"/>.</summary>
    Deletion = 4,
    /// <summary><see cref="Abstractions.Storage.IStorageListing"/>.</summary>
    Listing = 8,
    /// <summary><see cref="Abstractions.Storage.IStorageStartupCheck"/>.</summary>
    StartupCheck = 16,
}
