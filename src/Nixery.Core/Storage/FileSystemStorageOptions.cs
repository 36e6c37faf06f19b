namespace Nixery.Core.Storage;

/// <summary>Settings of <see cref="FileSystemStorage"/>.</summary>
public sealed class FileSystemStorageOptions
{
    /// <summary>The directory that holds <c>blobs/</c>, <c>records/</c> and <c>staging/</c>. Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// Whether a blob or record is flushed to disk (fsync) before it is renamed into place, so that a crash never
    /// leaves a torn file under a valid name. On by default; turn off only for throw-away stores.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>
    /// How old a file in <c>staging/</c> must be (by its last write time) before the store deletes it as left behind by a
    /// crash: a process that dies between <c>BeginWriteAsync</c> and commit or dispose never removes its staging file.
    /// The store sweeps on its first use and again on a use once this long has passed since the previous sweep.
    /// Must be positive; one hour by default.
    /// </summary>
    /// <remarks>
    /// Several registry instances may share one store, so the sweep cannot tell a crashed writer's file from a live
    /// writer's in another process; it relies on age alone. A live writer writes continuously (layers are compressed
    /// and written as they are read), so its file's last write time stays within seconds of now; an hour leaves a wide
    /// margin for slow disks and for clock skew between hosts sharing a network filesystem. Keep it well above the
    /// longest pause a writer can take between two writes. Should a live writer's file be swept all the same, its
    /// commit fails (the rename finds no file) and nothing wrong is ever published.
    /// </remarks>
    public TimeSpan StaleStagingAge { get; set; } = TimeSpan.FromHours(1);
}
