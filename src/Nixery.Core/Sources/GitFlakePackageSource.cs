using Nixery.Abstractions.Sources;

namespace Nixery.Core.Sources;

/// <summary>
/// A git flake's source: the <see cref="FlakePackageSource"/> with the repository's refs listed as tags, by the git
/// package source's listing. Apart so that only a flake whose tags select something says it has tags.
/// </summary>
internal sealed class GitFlakePackageSource(FlakePackageSource flake, GitPackageSource refs) : IPackageSource, IPackageSourceLocking, IPackageSourceTags
{
    /// <summary>The flake source this one lists tags for.</summary>
    public FlakePackageSource Flake { get; } = flake;

    public string Description => Flake.Description;

    public PackageSetReference Resolve(string tag) => Flake.Resolve(tag);

    public Task<PackageSetReference> LockAsync(PackageSetReference packageSet, CancellationToken cancellationToken) =>
        Flake.LockAsync(packageSet, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The branches (or, with <c>refs/tags/</c>, the git tags), as for a git package set.</remarks>
    public Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken) => refs.ListTagsAsync(cancellationToken);
}
