namespace Nixery.LayerEconomy.Simulation;

/// <summary>What pulling a sequence of images cost one client.</summary>
/// <param name="DigestBytes">Bytes downloaded when a layer already held by digest is skipped (containerd, podman).</param>
/// <param name="ChainBytes">Bytes downloaded when reuse stops at the first layer whose chain (all layers below it and itself) is new (docker's classic store).</param>
/// <param name="FloorBytes">Bytes of store paths the client did not hold yet: what copying paths one by one would move.</param>
/// <param name="ImageBytes">Bytes of all the layers of all the images pulled, held or not.</param>
/// <param name="Layers">Layers of all the images pulled.</param>
/// <param name="LayersHeld">Of those, layers the client held by digest.</param>
/// <param name="FileBytes">
/// Bytes downloaded with file-level partial pulls (eStargz and podman, containerd's stargz snapshotter): of each layer not
/// held by digest, only the files whose content the client holds in no layer.
/// </param>
public sealed record PullTotals(long DigestBytes, long ChainBytes, long FloorBytes, long ImageBytes, long Layers, long LayersHeld, long FileBytes)
{
    /// <summary>No pulls.</summary>
    public static PullTotals Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Layers held by digest / layers pulled.</summary>
    public double HitRatioByCount => Layers == 0 ? 0 : (double)LayersHeld / Layers;

    /// <summary>Bytes of layers held by digest / bytes of layers pulled.</summary>
    public double HitRatioByBytes => ImageBytes == 0 ? 0 : (double)(ImageBytes - DigestBytes) / ImageBytes;

    /// <summary>Sums two totals.</summary>
    public PullTotals Add(PullTotals other) => new(
        DigestBytes + other.DigestBytes, ChainBytes + other.ChainBytes, FloorBytes + other.FloorBytes,
        ImageBytes + other.ImageBytes, Layers + other.Layers, LayersHeld + other.LayersHeld, FileBytes + other.FileBytes);
}
