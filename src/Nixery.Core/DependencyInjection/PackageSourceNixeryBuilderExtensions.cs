using Microsoft.Extensions.DependencyInjection.Extensions;
using Nixery.Core.Sources;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects one of the engine's package sources.</summary>
public static class PackageSourceNixeryBuilderExtensions
{
    /// <summary>Builds from a package set in a local directory (never cached by name: it may change).</summary>
    public static INixeryBuilder UsePathPackageSource(this INixeryBuilder builder, string path) =>
        builder.UsePackageSource(new PathPackageSource(path));

    /// <summary>Builds from a git repository; image tags select branches (or, with <paramref name="refPrefix"/> <c>refs/tags/</c>, git tags) or commits.</summary>
    public static INixeryBuilder UseGitPackageSource(this INixeryBuilder builder, string url, string refPrefix = "") =>
        builder.UsePackageSource(new GitPackageSource(url, refPrefix));

    /// <summary>Builds from a nixpkgs channel (or commit) fetched as a tarball.</summary>
    /// <param name="builder">The engine's builder.</param>
    /// <param name="channel">e.g. <c>nixos-unstable</c>, or a 40-hex nixpkgs commit.</param>
    /// <param name="urlTemplate">The tarball URL with <c>{0}</c> for the channel; nixpkgs' archive when null.</param>
    public static INixeryBuilder UseChannelPackageSource(this INixeryBuilder builder, string channel, string? urlTemplate = null) =>
        builder.UsePackageSource(urlTemplate is null ? new ChannelPackageSource(channel) : new ChannelPackageSource(channel, urlTemplate));

    /// <summary>
    /// Builds from a flake: packages from its <c>packages.&lt;system&gt;</c>, then <c>legacyPackages.&lt;system&gt;</c>;
    /// for a git flake image tags select branches (or, with <paramref name="refPrefix"/> <c>refs/tags/</c>, git tags) or
    /// commits, and images are cached under the commit the tag is locked to.
    /// </summary>
    /// <param name="builder">The engine's builder.</param>
    /// <param name="flake">Any flake reference Nix accepts, e.g. <c>path:/srv/pkgs</c>, <c>git+file:///srv/pkgs</c> or <c>github:owner/repo</c>.</param>
    /// <param name="refPrefix">Prepended to tags that name a ref of a git flake.</param>
    /// <exception cref="ArgumentException"><paramref name="flake"/> is no flake reference.</exception>
    public static INixeryBuilder UseFlakePackageSource(this INixeryBuilder builder, string flake, string refPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(builder);
        var reference = FlakeReference.Parse(flake);
        builder.Services.Replace(ServiceDescriptor.Singleton<Nixery.Abstractions.Sources.IPackageSource>(
            provider => FlakePackageSource.Create(provider, reference, refPrefix)));
        return builder;
    }
}
