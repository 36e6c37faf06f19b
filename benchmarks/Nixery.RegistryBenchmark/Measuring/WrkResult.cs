namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>One wrk run, as its <c>done</c> hook reports it.</summary>
/// <param name="Requests">Completed requests.</param>
/// <param name="Duration">How long the run took.</param>
/// <param name="Bytes">Bytes read, headers included.</param>
/// <param name="Errors">Connect, read, write and timeout errors, and responses with a status of 400 or above.</param>
/// <param name="P50">Median latency.</param>
/// <param name="P90">90th percentile latency.</param>
/// <param name="P99">99th percentile latency.</param>
public sealed record WrkResult(long Requests, TimeSpan Duration, long Bytes, long Errors, TimeSpan P50, TimeSpan P90, TimeSpan P99)
{
    public double RequestsPerSecond => Requests / Duration.TotalSeconds;

    public double MegabytesPerSecond => Bytes / 1e6 / Duration.TotalSeconds;
}
