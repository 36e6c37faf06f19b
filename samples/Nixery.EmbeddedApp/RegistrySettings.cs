namespace Nixery.EmbeddedApp;

/// <summary>
/// Where the app's registry gets its packages and keeps its blobs (configuration section <c>Registry</c>; the
/// standalone server's environment variables <c>NIXERY_PKGS_PATH</c>, <c>NIXERY_PKGS_REPO</c> and <c>STORAGE_PATH</c>
/// are honoured too). With no package source the repository's demo package set is used.
/// </summary>
public sealed class RegistrySettings
{
    /// <summary>A package set in a local directory (like <c>NIXERY_PKGS_PATH</c>).</summary>
    public string? PackagesPath { get; set; }

    /// <summary>A git repository holding a package set; image tags pick branches or commits (like <c>NIXERY_PKGS_REPO</c>).</summary>
    public string? GitRepository { get; set; }

    /// <summary>Where layers and manifests are kept (like <c>STORAGE_PATH</c>); default <c>~/.cache/nixery-embedded</c>.</summary>
    public string? StoragePath { get; set; }
}
