namespace Nixery.Abstractions.Sources;

/// <summary>Where the package set comes from: a local path, a git repository or a channel.</summary>
public interface IPackageSource
{
    /// <summary>A human-readable description for logs and the index page.</summary>
    string Description { get; }

    /// <summary>Renders the package set that an image tag selects.</summary>
    PackageSetReference Resolve(string tag);
}
