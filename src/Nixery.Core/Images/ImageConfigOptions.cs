namespace Nixery.Core.Images;

/// <summary>What goes into every image config besides the layers, bound from <c>Nixery:Images</c>.</summary>
public sealed class ImageConfigOptions
{
    /// <summary>
    /// The creation time of images whose package set has no known revision time, so that the same packages give the
    /// same config digest. One second past the epoch, as zero is read as "unset" by some tools. An image of a git
    /// commit is created at the commit's time instead (<see cref="Abstractions.Sources.PackageSetReference.RevisionTime"/>).
    /// </summary>
    public DateTimeOffset Created { get; set; } = DateTimeOffset.UnixEpoch.AddSeconds(1);

    /// <summary>Environment of every image (<c>NAME=value</c>); the certificates come from the always-included <c>cacert</c>.</summary>
    public IList<string> Environment { get; set; } =
    [
        "PATH=/bin:/usr/bin:/sbin",
        "SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt",
    ];

    /// <summary>The config's <c>Entrypoint</c> of every image; none when unset.</summary>
    public IList<string>? Entrypoint { get; set; }

    /// <summary>
    /// The config's <c>Cmd</c> of every image. When unset, images with <c>bashInteractive</c> (the <c>shell</c>
    /// meta-package) run <c>bash</c> and the others have none.
    /// </summary>
    public IList<string>? Cmd { get; set; }

    /// <summary>
    /// The config's <c>WorkingDir</c>, an absolute path. When unset, non-root images start in <c>/home/nonroot</c> and
    /// the others have none (so <c>/</c>).
    /// </summary>
    public string? WorkingDir { get; set; }

    /// <summary>
    /// The <c>org.opencontainers.image.source</c> label; when unset, the package set's URL (a git repository, a channel's
    /// tarball) where it has one.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>
    /// Labels of every image, added to (and taking precedence over) the ones Nixery sets:
    /// <c>org.opencontainers.image.source</c>, and <c>.revision</c> and <c>.created</c> of a package set pinned to a commit.
    /// </summary>
    public IDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
