namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>One wrk run against one registry.</summary>
/// <param name="Registry">"nixery" or "docker-registry".</param>
/// <param name="Kind">"manifest" or "blob".</param>
/// <param name="Round">Which alternation, from 1.</param>
/// <param name="Result">What wrk measured.</param>
public sealed record Measurement(string Registry, string Kind, int Round, WrkResult Result);
