using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;

namespace MyRegistry;

/// <summary>A package set in a directory of a git repository (a monorepo's <c>nix/</c>); the image tag selects the branch.</summary>
public sealed class SubdirectoryGitPackageSource(string url, string directory) : IPackageSource
{
    // Constant Nix code: what varies reaches Nix as strings in `arguments`, never as code.
    private const string Expression = """
        { system, arguments }:
        import "${builtins.fetchGit { inherit (arguments) url ref; }}/${arguments.directory}" { inherit system; }
        """;

    public string Description => $"{directory} of the git repository {url}";

    public PackageSetReference Resolve(string tag)
    {
        var gitRef = tag == ImageRequest.LatestTag ? "HEAD" : tag;
        return new PackageSetReference(
            Expression,
            new Dictionary<string, string> { ["url"] = url, ["ref"] = gitRef, ["directory"] = directory },
            Identity: $"git {url} ref {gitRef} directory {directory}",
            IsPinned: false); // a branch moves, so its images are not cached by name
    }
}
