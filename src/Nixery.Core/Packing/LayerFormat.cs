namespace Nixery.Core.Packing;

/// <summary>How layers are written (<c>Nixery:Packing:Format</c>).</summary>
public enum LayerFormat
{
    /// <summary>A gzip tar cut into fixed-size gzip members, compressed in parallel.</summary>
    Gzip,

    /// <summary>
    /// A gzip tar in eStargz form: each file's content in gzip members of its own, a table of contents and a footer, so
    /// that podman (partial pulls) and containerd's stargz snapshotter fetch only the files they lack; every other client
    /// pulls it as an ordinary tar.gz.
    /// </summary>
    Estargz,

    /// <summary>
    /// A zstd tar (<c>application/vnd.oci.image.layer.v1.tar+zstd</c>) cut into independent zstd frames, compressed in
    /// parallel: smaller and faster to unpack than gzip, pulled by podman, containerd 1.5+ and docker 23+ only. Images
    /// then have OCI manifests alone (Docker's schema 2 has no zstd layer type).
    /// </summary>
    Zstd,
}
