using System.Diagnostics.Metrics;

namespace Nixery.Storage.S3;

/// <summary>The store's metrics (meter <c>Nixery.Storage.S3</c>), for a host's OpenTelemetry to collect.</summary>
internal static class S3Diagnostics
{
    public const string MeterName = "Nixery.Storage.S3";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Bytes sent in puts and parts (first attempts; the SDK's retries are not counted).</summary>
    public static readonly Counter<long> BytesUploaded = Meter.CreateCounter<long>("nixery.s3.bytes.uploaded", "By", "Bytes uploaded to S3");

    /// <summary>Blob requests answered by a presigned URL.</summary>
    public static readonly Counter<long> Redirects = Meter.CreateCounter<long>("nixery.s3.redirects", "{redirect}", "Blob requests redirected to S3");

    /// <summary>Multipart uploads aborted (abandoned or failed) and staging objects left for the lifecycle rule.</summary>
    public static readonly Counter<long> Abandoned = Meter.CreateCounter<long>("nixery.s3.uploads.abandoned", "{upload}", "Uploads to S3 abandoned");
}
