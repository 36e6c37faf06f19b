namespace Nixery.LayerEconomy.Workloads;

/// <summary>One image of a workload: the packages (graph nodes) it requests, as Nixery's image name would list them.</summary>
public sealed record ImageSpec(string Name, IReadOnlyList<int> Packages);
