using System.Diagnostics.Metrics;

namespace Nixery.AspNetCore.Registry;

/// <summary>The registry's metrics, on the meter <c>Nixery.AspNetCore</c> (<c>AddMeter("Nixery.AspNetCore")</c> in OpenTelemetry).</summary>
public static class RegistryDiagnostics
{
    /// <summary>The meter's name.</summary>
    public const string Name = "Nixery.AspNetCore";

    /// <summary>The registry's meter.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>Blob bytes the registry sent itself (not redirected), tagged <c>nixery.blob.request</c> = <c>whole</c> | <c>range</c> | <c>multirange</c>.</summary>
    internal static Counter<long> BlobBytesServed { get; } =
        Meter.CreateCounter<long>("nixery.registry.blob_bytes_served", "By", "Blob bytes sent by the registry itself, not redirected");
}
