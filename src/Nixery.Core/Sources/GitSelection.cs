using Nixery.Abstractions.Requests;

namespace Nixery.Core.Sources;

/// <summary>
/// What an image tag selects in a git repository, for every source whose tags are git revisions (a git package set, a
/// git flake): a 40-digit hex tag a commit (lower-cased), <c>latest</c> nothing (the repository's default), any other
/// tag the ref <c>refPrefix + tag</c>.
/// </summary>
/// <param name="Ref">The ref the tag names, or null.</param>
/// <param name="Rev">The commit the tag names, or null.</param>
internal readonly record struct GitSelection(string? Ref, string? Rev)
{
    /// <summary>The ref or commit <paramref name="tag"/> selects.</summary>
    public static GitSelection FromTag(string tag, string refPrefix) =>
        CommitHash.IsCommitHash(tag) ? new(null, tag.ToLowerInvariant())
        : tag == ImageRequest.LatestTag ? new(null, null)
        : new(refPrefix + tag, null);
}
