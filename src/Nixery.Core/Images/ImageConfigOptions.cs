namespace Nixery.Core.Images;

/// <summary>What goes into every image config besides the layers.</summary>
public sealed class ImageConfigOptions
{
    /// <summary>
    /// The fixed creation time of every image, so that the same packages give the same config digest.
    /// One second past the epoch, as zero is read as "unset" by some tools.
    /// </summary>
    public DateTimeOffset Created { get; set; } = DateTimeOffset.UnixEpoch.AddSeconds(1);

    /// <summary>Environment of every image; the certificates come from the always-included <c>cacert</c>.</summary>
    public IList<string> Environment { get; set; } =
    [
        "PATH=/bin:/usr/bin:/sbin",
        "SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt",
    ];
}
