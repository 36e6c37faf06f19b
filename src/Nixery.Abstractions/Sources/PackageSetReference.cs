using System.Security.Cryptography;
using System.Text;
using Nixery.Abstractions.Requests;

namespace Nixery.Abstractions.Sources;

/// <summary>
/// A package set rendered for Nix: a Nix function that evaluates to the package set, the arguments it is called with,
/// and whether the set is pinned to one revision.
/// </summary>
/// <param name="Expression">
/// A Nix function of <c>{ system, arguments }</c> that returns the package set (an attribute set of derivations, nested
/// sets allowed) for <c>system</c> (e.g. <c>x86_64-linux</c>); <c>arguments</c> is <paramref name="Arguments"/> as an
/// attribute set of strings. For example <c>{ system, arguments }: import (builtins.fetchGit { inherit (arguments) url ref; }) { inherit system; }</c>.
/// The text is the source's own, constant for its kind; anything that comes from configuration or from a request goes in
/// <paramref name="Arguments"/>, which reach Nix as JSON, never as Nix code.
/// </param>
/// <param name="Arguments">The values the expression needs (e.g. <c>url</c>, <c>ref</c>, <c>rev</c>, <c>path</c>).</param>
/// <param name="Identity">A stable description of exactly this package set, e.g. <c>git file:///repo rev 1a2b…</c>.</param>
/// <param name="IsPinned">True when the set can never change (a git commit, a channel pinned to a commit), so its images may be cached.</param>
public sealed record PackageSetReference(string Expression, IReadOnlyDictionary<string, string> Arguments, string Identity, bool IsPinned)
{
    /// <summary>
    /// Raised when images of the same packages change for everyone (2: the baseline files of the symlink layer), so that
    /// images cached by an older version are built again.
    /// </summary>
    private const string ImageFormat = "image 2";

    /// <summary>Where the package set comes from, as a URL (a git repository, a tarball), when it has one; the images' <c>org.opencontainers.image.source</c>.</summary>
    public string? Source { get; init; }

    /// <summary>The revision of the package set (a git commit) when it is known before building; the images' <c>org.opencontainers.image.revision</c>.</summary>
    public string? Revision { get; init; }

    /// <summary>
    /// When <see cref="Revision"/> was committed, when known: the images' creation time, so that they stay
    /// reproducible and still say how old their packages are.
    /// </summary>
    public DateTimeOffset? RevisionTime { get; init; }

    /// <summary>
    /// Nix experimental features the expression needs (e.g. <c>nix-command</c> and <c>flakes</c> for <c>builtins.getFlake</c>),
    /// passed to the evaluation as <c>--extra-experimental-features</c>; empty for most sets, which then run without the flag.
    /// </summary>
    public IReadOnlyList<string> ExperimentalFeatures { get; init; } = [];

    /// <summary>
    /// What this set contributes to the cache key of an image built from it: package set, architecture and packages (the
    /// engine adds the host's image settings to it). Null when the set is not pinned, because the same name may then
    /// build a different image tomorrow.
    /// </summary>
    public string? CacheKey(ImageRequest request) => IsPinned ? BuildKey(request) : null;

    /// <summary>
    /// The key that one build of this image holds while it runs (<see cref="Building.IBuildCoordinator"/>), pinned or
    /// not: a SHA-256 in hex of package set, architecture, packages and the non-root user, so <c>git/htop</c> and
    /// <c>htop/git</c> share it while <c>nonroot/git/htop</c> does not.
    /// </summary>
    public string BuildKey(ImageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = $"{ImageFormat}\n{Identity}\n{request.Architecture.NixSystem}\n{string.Join('\n', request.Packages)}"
            + (request.NonRoot ? "\nnonroot" : "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
