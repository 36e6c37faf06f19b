using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;

namespace Nixery.Core.Sources;

/// <summary>
/// A package set in a git repository, fetched with <c>builtins.fetchGit</c>; the image tag selects the revision.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>latest</c> renders <c>ref = "HEAD"</c>, the repository's default branch. The ref is explicit because
/// Nix 2.8 falls back to <c>master</c>, not the default branch, for remote repositories.</item>
/// <item>A 40-digit hex tag renders <c>rev</c> (lower-cased); it is pinned, and Nix fetches all refs so a commit on
/// any branch is found.</item>
/// <item>Any other tag renders <c>ref = RefPrefix + tag</c>. With the default empty prefix Nix reads it as a branch
/// (it prefixes plain refs with <c>refs/heads/</c> for remote repositories; for a local non-bare <c>file://</c>
/// repository it runs <c>git rev-parse</c>, so git tags work there too). Pass <c>refs/tags/</c> as the prefix to
/// make image tags select git tags instead of branches. Nix cannot fall back from one to the other: a failed
/// fetch is not catchable in the Nix language.</item>
/// </list>
/// </remarks>
public sealed class GitPackageSource : IPackageSource
{
    /// <summary>The <see cref="PackageSetReference.Kind"/> this source renders.</summary>
    public const string Kind = "git";

    /// <summary>Creates a source for the repository at <paramref name="url"/> (any URL git and Nix accept, e.g. <c>file:///srv/pkgs</c>).</summary>
    /// <param name="url">The repository URL.</param>
    /// <param name="refPrefix">Prepended to tags that are neither <c>latest</c> nor a commit hash, e.g. <c>refs/tags/</c>.</param>
    public GitPackageSource(string url, string refPrefix = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        ArgumentNullException.ThrowIfNull(refPrefix);
        Url = url;
        RefPrefix = refPrefix;
    }

    /// <summary>The repository URL.</summary>
    public string Url { get; }

    /// <summary>Prepended to tags that name a ref.</summary>
    public string RefPrefix { get; }

    /// <inheritdoc />
    public string Description => $"git repository {Url}";

    /// <inheritdoc />
    public PackageSetReference Resolve(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        if (CommitHash.IsCommitHash(tag))
        {
            var rev = tag.ToLowerInvariant();
            return new PackageSetReference(
                Kind,
                new Dictionary<string, string> { ["url"] = Url, ["rev"] = rev },
                $"git {Url} rev {rev}",
                IsPinned: true);
        }

        var gitRef = tag == ImageRequest.LatestTag ? "HEAD" : RefPrefix + tag;
        return new PackageSetReference(
            Kind,
            new Dictionary<string, string> { ["url"] = Url, ["ref"] = gitRef },
            $"git {Url} ref {gitRef}",
            IsPinned: false);
    }
}
