namespace Nixery.Abstractions.Sources;

/// <summary>
/// An optional capability of an <see cref="IPackageSource"/>: turning the package set a tag selects into the exact
/// revision it stands for now (a branch into its current commit), before the image is looked up in the cache or built.
/// A locked set is pinned, so an image of a moving tag is cached under the revision it was built from, and the next
/// pull of the same tag is served from the cache until the tag moves. A source without it is used as it resolves.
/// </summary>
public interface IPackageSourceLocking
{
    /// <summary>
    /// The locked form of <paramref name="packageSet"/> (which this source's <see cref="IPackageSource.Resolve"/>
    /// returned): an <see cref="PackageSetReference.Identity"/> naming the exact revision, <see cref="PackageSetReference.IsPinned"/>
    /// when it cannot change, and <see cref="PackageSetReference.Revision"/> and <see cref="PackageSetReference.RevisionTime"/>
    /// where known. Called once per image request, cache hits included, so it should be cheap for a set that does not move.
    /// </summary>
    /// <exception cref="Building.NixFailureException">The set could not be locked (e.g. no such branch); reported as a failed build.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<PackageSetReference> LockAsync(PackageSetReference packageSet, CancellationToken cancellationToken);
}
