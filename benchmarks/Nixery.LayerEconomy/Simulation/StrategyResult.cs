namespace Nixery.LayerEconomy.Simulation;

/// <summary>The measurements of one strategy at one budget.</summary>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="Budget">The layer budget it was given.</param>
/// <param name="Fleet">Pulling the fleet, in order, into an empty cache.</param>
/// <param name="Update">Pulling the fleet again after the security update, into the cache left by <paramref name="Fleet"/>.</param>
/// <param name="RegistryBytes">Bytes of distinct layers the registry stores for the fleet.</param>
/// <param name="RegistryBytesAddedByUpdate">Bytes of distinct layers the update adds to the registry.</param>
/// <param name="MeanLayers">Layers per image, averaged over the fleet.</param>
/// <param name="MaxLayers">The most layers of an image.</param>
/// <param name="LargestLayerBytes">The largest layer of the fleet.</param>
/// <param name="PlanMilliseconds">Time spent computing the fleet's plans (both generations).</param>
/// <param name="MaxPlanMilliseconds">The slowest single plan.</param>
public sealed record StrategyResult(
    string Strategy, int Budget, PullTotals Fleet, PullTotals Update, long RegistryBytes, long RegistryBytesAddedByUpdate,
    double MeanLayers, int MaxLayers, long LargestLayerBytes, double PlanMilliseconds, double MaxPlanMilliseconds);
