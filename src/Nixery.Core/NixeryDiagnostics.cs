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

    internal static Counter<long> ImagesBuilt { get; } = Meter.CreateCounter<long>("nixery.images.built", description: "Images assembled after a Nix build");

    internal static Counter<long> ImagesServedFromCache { get; } = Meter.CreateCounter<long>("nixery.images.cached", description: "Images served from the manifest cache without calling Nix");
}
