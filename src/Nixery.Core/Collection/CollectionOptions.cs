namespace Nixery.Core.Collection;

/// <summary>Garbage collection of the blob store (<see cref="BlobCollector"/>), bound from <c>Nixery:Collection</c>.</summary>
public sealed class CollectionOptions
{
    /// <summary>
    /// Images built or served within this long are kept with every blob they need (default 30 days); the blobs of
    /// images not used for longer are deleted.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Blobs younger than this are never deleted (default one hour): longer than any build, whose new layers are
    /// written before the image that needs them is recorded.
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the hosted collection runs and deletes (default null: it does not run; <c>nixery gc</c> does it by hand).</summary>
    public TimeSpan? Interval { get; set; }
}
