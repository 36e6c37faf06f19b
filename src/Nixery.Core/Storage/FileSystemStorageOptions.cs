namespace Nixery.Core.Storage;

/// <summary>Settings of <see cref="FileSystemBlobStore"/>.</summary>
public sealed class FileSystemStorageOptions
{
    /// <summary>The directory that holds <c>blobs/</c>, <c>records/</c> and <c>staging/</c>. Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// Whether a blob or record is flushed to disk (fsync) before it is renamed into place, so that a crash never
    /// leaves a torn file under a valid name. On by default; turn off only for throw-away stores.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;
}
