using System.Diagnostics.Metrics;

namespace Nixery.Storage.Gcs;

/// <summary>The store's metrics (meter <c>Nixery.Storage.Gcs</c>), for a host's OpenTelemetry to collect.</summary>
internal static class GcsDiagnostics
{
    public const string MeterName = "Nixery.Storage.Gcs";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>HTTP attempts of the Google clients (storage, tokens, IAM), by method and status (0 for a dropped connection).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("nixery.gcs.requests", "{request}", "Cloud Storage JSON API calls");

    /// <summary>Attempts the storage library repeated after a transient failure, by method.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("nixery.gcs.retries", "{retry}", "Cloud Storage calls retried");

    /// <summary>How long attempts took, by method.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("nixery.gcs.request.duration", "s", "Cloud Storage call duration");

    /// <summary>Bytes sent in request bodies (uploads, first attempts and resends).</summary>
    public static readonly Counter<long> BytesUploaded = Meter.CreateCounter<long>("nixery.gcs.bytes.uploaded", "By", "Bytes uploaded to Cloud Storage");

    /// <summary>Blob requests answered by redirect, by kind (signed, public).</summary>
    public static readonly Counter<long> Redirects = Meter.CreateCounter<long>("nixery.gcs.redirects", "{redirect}", "Blob requests redirected to Cloud Storage");
}
