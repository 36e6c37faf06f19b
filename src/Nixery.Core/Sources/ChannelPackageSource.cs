using System.Globalization;
using Nixery.Abstractions.Sources;

namespace Nixery.Core.Sources;

/// <summary>
/// A nixpkgs channel or commit, fetched as a tarball with <c>builtins.fetchTarball</c>.
/// Image tags do not select anything: the channel is fixed by configuration.
/// </summary>
/// <remarks>
/// Pinned only when the channel is a 40-digit commit hash; a channel name such as <c>nixos-unstable</c> moves.
/// Nix caches unpinned tarballs for its <c>tarball-ttl</c> (an hour by default), so channel updates show up late.
/// </remarks>
public sealed class ChannelPackageSource : IPackageSource
{
    /// <summary>The Nix function this source renders: the tarball fetched, then imported.</summary>
    public const string Expression = "{ system, arguments }: import (builtins.fetchTarball { inherit (arguments) url; }) { inherit system; }";

    /// <summary>GitHub's archive of nixpkgs; <c>{0}</c> is the channel or commit.</summary>
    public const string DefaultUrlTemplate = "https://github.com/NixOS/nixpkgs/archive/{0}.tar.gz";

    /// <summary>Creates a source for <paramref name="channel"/> (e.g. <c>nixos-unstable</c> or a commit hash).</summary>
    /// <param name="channel">The channel name or nixpkgs commit.</param>
    /// <param name="urlTemplate">The tarball URL, <c>{0}</c> replaced by the channel.</param>
    public ChannelPackageSource(string channel, string urlTemplate = DefaultUrlTemplate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(urlTemplate);
        Channel = channel;
        Url = string.Format(CultureInfo.InvariantCulture, urlTemplate, channel);
        IsPinned = CommitHash.IsCommitHash(channel);
    }

    /// <summary>The channel name or commit.</summary>
    public string Channel { get; }

    /// <summary>The tarball URL Nix fetches.</summary>
    public string Url { get; }

    /// <summary>True when the channel is a commit hash.</summary>
    public bool IsPinned { get; }

    /// <inheritdoc />
    public string Description => $"channel {Channel} ({Url})";

    /// <inheritdoc />
    public PackageSetReference Resolve(string tag) => new(
        Expression,
        new Dictionary<string, string> { ["url"] = Url },
        $"tarball {Url}",
        IsPinned)
    {
        Source = Url,
        Revision = IsPinned ? Channel : null,
    };
}
