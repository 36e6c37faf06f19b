namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>How long and how hard the serving benchmark measures.</summary>
/// <param name="Rounds">How many times each registry is measured, alternating (A B A B).</param>
/// <param name="Duration">How long each wrk run lasts.</param>
/// <param name="ManifestConnections">Concurrent connections for manifest requests.</param>
/// <param name="BlobConnections">Concurrent connections for blob downloads.</param>
/// <param name="PayloadMegabytes">Size of the payload package whose layer is downloaded (incompressible bytes).</param>
/// <param name="Threads">wrk threads (the load generator shares the machine's cores with the server).</param>
public sealed record BenchmarkSettings(int Rounds, TimeSpan Duration, int ManifestConnections, int BlobConnections, int PayloadMegabytes, int Threads)
{
    /// <summary>The measurement in docs/benchmarks.md: 3 rounds of 10 s each, 32 connections for manifests, a 200 MB layer.</summary>
    public static BenchmarkSettings Full { get; } = new(3, TimeSpan.FromSeconds(10), 32, 4, 200, 1);

    /// <summary>A few seconds: proves the whole pipeline works (both registries serve the same image), measures nothing.</summary>
    public static BenchmarkSettings Smoke { get; } = new(1, TimeSpan.FromSeconds(1), 4, 2, 4, 1);
}
