namespace Nixery.AspNetCore.Registry;

/// <summary>
/// The registry's metrics are on the meter <c>Nixery.AspNetCore</c> (<c>AddMeter("Nixery.AspNetCore")</c> in
/// OpenTelemetry), created through the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>, so that two hosts
/// in one process count apart.
/// </summary>
public static class RegistryDiagnostics
{
    /// <summary>The meter's name.</summary>
    public const string Name = "Nixery.AspNetCore";

    /// <summary>Blob bytes the registry sent itself (not redirected), tagged <c>nixery.blob.request</c> = <c>whole</c> | <c>range</c> | <c>multirange</c>.</summary>
    public const string BlobBytesServed = "nixery.registry.blob_bytes_served";

    /// <summary>Errors answered in the registry's JSON form, tagged <c>error.code</c> (e.g. <c>MANIFEST_UNKNOWN</c>) and <c>http.response.status_code</c>.</summary>
    public const string Errors = "nixery.registry.errors";
}
