namespace Nixery.Abstractions.Sources;

/// <summary>
/// An optional capability of an <see cref="IPackageSource"/>: listing the image tags that select something in it, for
/// the registry's <c>tags/list</c>. A source without it offers only <c>latest</c>.
/// </summary>
public interface IPackageSourceTags
{
    /// <summary>
    /// The tags this source can resolve, in any order. The registry always adds <c>latest</c>, drops names that are not
    /// valid registry tags and duplicates, and sorts. Implementations that ask a remote should bound and cache the call.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Any other exception means the tags could not be listed; the registry then offers only <c>latest</c>.</remarks>
    Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken);
}
