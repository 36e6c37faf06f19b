using Nixery.Abstractions.Sources;

namespace Nixery.Core.Sources;

/// <summary>
/// A package set in a local directory (or a single <c>.nix</c> file), imported as it is on disk.
/// Never pinned: the files may change at any time, so images built from it are not cached by name.
/// </summary>
public sealed class PathPackageSource : IPackageSource
{
    /// <summary>The Nix function this source renders: the set's <c>default.nix</c> (or the file) imported as it is.</summary>
    public const string Expression = "{ system, arguments }: import arguments.path { inherit system; }";

    /// <summary>Creates a source for the package set at <paramref name="path"/>; relative paths are made absolute now.</summary>
    public PathPackageSource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // Nix resolves relative paths against its own working directory, which is not ours to rely on.
        FullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
    }

    /// <summary>The absolute path Nix imports.</summary>
    public string FullPath { get; }

    /// <inheritdoc />
    public string Description => $"local path {FullPath}";

    /// <inheritdoc />
    /// <remarks>The tag does not select anything for a local path.</remarks>
    public PackageSetReference Resolve(string tag) => new(
        Expression,
        new Dictionary<string, string> { ["path"] = FullPath },
        $"path {FullPath}",
        IsPinned: false);
}
