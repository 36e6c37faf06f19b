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
}
