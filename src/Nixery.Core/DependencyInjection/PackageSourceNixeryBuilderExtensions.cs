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
}
