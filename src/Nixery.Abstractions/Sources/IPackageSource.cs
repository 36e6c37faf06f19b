namespace Nixery.Abstractions.Sources;

/// <summary>
/// Where the package set comes from: a local path, a git repository, a channel, or a kind of the host's own. A source
/// renders, for an image tag, the Nix expression that evaluates to the package set (<see cref="PackageSetReference"/>);
/// the engine looks packages up in it, so a new kind of source is one class.
/// </summary>
public interface IPackageSource
{
    /// <summary>A human-readable description for logs and the index page.</summary>
    string Description { get; }

    /// <summary>Renders the package set that an image tag selects.</summary>
    PackageSetReference Resolve(string tag);
}
