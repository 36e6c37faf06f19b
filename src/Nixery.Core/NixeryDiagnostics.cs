using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Nixery.Core;

/// <summary>
/// The engine's traces and metrics, named <c>Nixery.Core</c> so a host's OpenTelemetry can subscribe with
/// <c>AddSource("Nixery.Core")</c> and <c>AddMeter("Nixery.Core")</c>.
/// </summary>
public static class NixeryDiagnostics
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Nixery.Core";

    /// <summary>Spans for image builds, Nix calls and layer packing.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Counters and histograms of the engine.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>Layers compressed and stored, tagged <c>nixery.layer.kind</c> = <c>store</c> | <c>symlinks</c>.</summary>
    internal static Counter<long> LayersPacked { get; } = Meter.CreateCounter<long>("nixery.layers.packed", "{layer}", "Layers packed and stored");

    /// <summary>Layers found in the layer index with their blob present, so not packed again.</summary>
    internal static Counter<long> LayersReused { get; } = Meter.CreateCounter<long>("nixery.layers.reused", "{layer}", "Layers found in the layer index and reused");

    /// <summary>Compressed bytes of packed layers.</summary>
    internal static Counter<long> BytesPacked { get; } = Meter.CreateCounter<long>("nixery.layers.packed_bytes", "By", "Compressed bytes of packed layers");

    internal static Counter<long> ImagesBuilt { get; } = Meter.CreateCounter<long>("nixery.images.built", description: "Images assembled after a Nix build");

    /// <summary>Seconds of image builds that reached Nix (slot wait included), tagged <c>nixery.build.outcome</c> = <c>built</c> | <c>packages-not-found</c> | <c>failed</c>.</summary>
    internal static Histogram<double> BuildDuration { get; } = Meter.CreateHistogram<double>("nixery.build.duration", "s", "Seconds of image builds that reached Nix");

    /// <summary>Builds running or waiting for a slot now: the build queue's depth.</summary>
    internal static UpDownCounter<long> BuildsAdmitted { get; } = Meter.CreateUpDownCounter<long>("nixery.builds.admitted", "{build}", "Builds running or waiting for a slot");

    internal static Counter<long> ImagesServedFromCache { get; } = Meter.CreateCounter<long>("nixery.images.cached", description: "Images served from the manifest cache without calling Nix");

    /// <summary>Objects a storage backend did not hold as written (wrong length or bytes), found by the engine's checks.</summary>
    internal static Counter<long> StorageIntegrityFailures { get; } = Meter.CreateCounter<long>("nixery.storage.integrity_failures", "{object}", "Objects a storage backend did not hold as written");

    /// <summary>Stale staging files (left by writers whose process died) deleted by the file-system blob store.</summary>
    internal static Counter<long> StagingFilesSwept { get; } = Meter.CreateCounter<long>("nixery.storage.staging_swept", "{file}", "Stale staging files deleted by the file-system blob store");
}
