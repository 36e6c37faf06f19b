namespace Nixery.Core.Sources;

/// <summary>
/// The package source chosen by configuration (<c>Nixery:PackageSource</c>); at most one of <see cref="Path"/>,
/// <see cref="Repository"/>, <see cref="Channel"/> and <see cref="Flake"/>. A source chosen in code (<c>Use…PackageSource</c>) takes precedence.
/// </summary>
public sealed class PackageSourceOptions
{
    /// <summary>A local package set: a directory with <c>default.nix</c> of nixpkgs' shape, or a <c>.nix</c> file.</summary>
    public string? Path { get; set; }

    /// <summary>A git repository holding the package set; image tags select branches or commits.</summary>
    public string? Repository { get; set; }

    /// <summary>With <see cref="Repository"/> or a git <see cref="Flake"/>: prepended to tags that name a ref, e.g. <c>refs/tags/</c> to select git tags.</summary>
    public string RefPrefix { get; set; } = "";

    /// <summary>A nixpkgs channel (e.g. <c>nixos-unstable</c>) or commit, fetched as a tarball.</summary>
    public string? Channel { get; set; }

    /// <summary>With <see cref="Channel"/>: the tarball URL, <c>{0}</c> replaced by the channel; nixpkgs' archive when unset.</summary>
    public string? ChannelUrl { get; set; }

    /// <summary>
    /// A flake whose <c>packages.&lt;system&gt;</c>, then <c>legacyPackages.&lt;system&gt;</c>, are the package set: any
    /// flake reference Nix accepts (<c>path:/srv/pkgs</c>, <c>git+file:///srv/pkgs</c>, <c>github:owner/repo</c>, …);
    /// for a git flake image tags select branches or commits (<see cref="FlakePackageSource"/>).
    /// </summary>
    public string? Flake { get; set; }

    /// <summary>The settings that choose a source, with their values, for messages.</summary>
    internal IEnumerable<(string Name, string Value)> Chosen()
    {
        if (!string.IsNullOrEmpty(Repository)) yield return (nameof(Repository), Repository);
        if (!string.IsNullOrEmpty(Channel)) yield return (nameof(Channel), Channel);
        if (!string.IsNullOrEmpty(Path)) yield return (nameof(Path), Path);
        if (!string.IsNullOrEmpty(Flake)) yield return (nameof(Flake), Flake);
    }

    /// <summary>The source these settings choose, or null when they choose none; <paramref name="services"/> give a flake source its Nix settings.</summary>
    internal Abstractions.Sources.IPackageSource? Create(IServiceProvider services)
    {
        if (!string.IsNullOrEmpty(Flake))
            return FlakePackageSource.Create(services, FlakeReference.Parse(Flake), RefPrefix ?? "");
        if (!string.IsNullOrEmpty(Repository)) return new GitPackageSource(Repository, RefPrefix ?? "");
        if (!string.IsNullOrEmpty(Channel))
            return string.IsNullOrEmpty(ChannelUrl) ? new ChannelPackageSource(Channel) : new ChannelPackageSource(Channel, ChannelUrl);
        if (!string.IsNullOrEmpty(Path)) return new PathPackageSource(Path);
        return null;
    }

    /// <summary>True when <paramref name="path"/> is a package set Nix can import: a directory with <c>default.nix</c>, or a <c>.nix</c> file.</summary>
    internal static bool IsPackageSet(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return File.Exists(System.IO.Path.Combine(full, "default.nix")) || (File.Exists(full) && full.EndsWith(".nix", StringComparison.Ordinal));
    }
}
