using Nixery.LayerEconomy.Simulation;

namespace Nixery.LayerEconomy;

/// <summary>The results of every strategy and budget on the fleet drawn with one seed.</summary>
/// <param name="Seed">The fleet generator's seed.</param>
/// <param name="Runner">The runner (fleet totals, update size).</param>
/// <param name="Results">One result per strategy and budget.</param>
public sealed record SeedRun(int Seed, EconomyRunner Runner, IReadOnlyList<StrategyResult> Results);
