namespace Nixery.Abstractions.Oci;

/// <summary>The media types of the OCI image specification and of Docker's image format that Nixery writes or reads.</summary>
public static class MediaTypes
{
    /// <summary>OCI image manifest.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    /// <summary>OCI image index.</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    /// <summary>OCI image config.</summary>
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    /// <summary>OCI gzip-compressed layer.</summary>
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// <summary>OCI zstd-compressed layer (image-spec 1.1; podman, containerd 1.5+ and docker 23+ pull it).</summary>
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    /// <summary>Docker image manifest, version 2, schema 2.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    /// <summary>Docker manifest list (Docker's counterpart of the OCI image index).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    /// <summary>Docker image config.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    /// <summary>Docker gzip-compressed layer.</summary>
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// <summary>The OCI empty descriptor's media type: the config of an artifact that has none (image-spec 1.1).</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";
    /// <summary>A CycloneDX JSON document: the artifact type and layer media type of an SBOM.</summary>
    public const string CycloneDxJson = "application/vnd.cyclonedx+json";
}
