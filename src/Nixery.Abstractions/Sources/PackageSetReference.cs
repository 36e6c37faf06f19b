using System.Security.Cryptography;
using System.Text;
using Nixery.Abstractions.Requests;

namespace Nixery.Abstractions.Sources;

/// <summary>A package set rendered for Nix: how to import it, and whether it is pinned to one revision.</summary>
/// <param name="Kind">How Nix obtains it: <c>path</c>, <c>git</c> or <c>tarball</c>.</param>
/// <param name="Arguments">The arguments for that kind (e.g. <c>url</c>, <c>ref</c>, <c>rev</c>, <c>path</c>).</param>
/// <param name="Identity">A stable description of exactly this package set, e.g. <c>git file:///repo rev 1a2b…</c>.</param>
/// <param name="IsPinned">True when the set can never change (a git commit, a channel pinned to a commit), so its images may be cached.</param>
public sealed record PackageSetReference(string Kind, IReadOnlyDictionary<string, string> Arguments, string Identity, bool IsPinned)
{
    /// <summary>
    /// The cache key of an image built from this set: package set, architecture and packages.
    /// Null when the set is not pinned, because the same name may then build a different image tomorrow.
    /// </summary>
    public string? CacheKey(ImageRequest request)
    {
        if (!IsPinned) return null;
        var text = $"{Identity}\n{request.Architecture.NixSystem}\n{string.Join('\n', request.Packages)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
