using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Nixery.Core.Packing;

/// <summary>Metrics (meter <c>Nixery.Core</c>) and traces (activity source <c>Nixery.Core</c>) of layer packing.</summary>
internal static class PackingDiagnostics
{
    public const string Name = "Nixery.Core";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Layers compressed and stored, tagged <c>nixery.layer.kind</c> = <c>store</c> | <c>symlinks</c>.</summary>
    public static readonly Counter<long> LayersPacked =
        Meter.CreateCounter<long>("nixery.layers.packed", "{layer}", "Layers packed and stored");

    /// <summary>Layers found in the layer index with their blob present, so not packed again.</summary>
    public static readonly Counter<long> LayersReused =
        Meter.CreateCounter<long>("nixery.layers.reused", "{layer}", "Layers found in the layer index and reused");

    /// <summary>Compressed bytes of packed layers.</summary>
    public static readonly Counter<long> BytesPacked =
        Meter.CreateCounter<long>("nixery.layers.packed_bytes", "By", "Compressed bytes of packed layers");
}
