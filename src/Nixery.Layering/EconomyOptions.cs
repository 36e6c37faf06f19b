namespace Nixery.Layering;

/// <summary>Thresholds of <see cref="EconomyStrategy"/>; the defaults are those chosen in docs/layer-economy.md.</summary>
public sealed class EconomyOptions
{
    /// <summary>A path referred to by at least this many store paths of the package set heads a layer.</summary>
    public int PopularThreshold { get; set; } = 60;

    /// <summary>A path at least this big (bytes) heads a layer.</summary>
    public long BigPathThreshold { get; set; } = 50L * 1000 * 1000;

    /// <summary>
    /// At budgets of at least <see cref="LargeBudget"/>, a path at least this big (bytes) heads a layer instead: a large
    /// budget has room for the layers of more big paths, which other images then share by digest.
    /// </summary>
    public long LargeBudgetBigPathThreshold { get; set; } = 25L * 1000 * 1000;

    /// <summary>
    /// From this layer budget on, the popularity threshold is <see cref="PopularThreshold"/> divided by
    /// <see cref="LargeBudgetThresholdDivisor"/> (rounded up): a large budget has room for more, finer layers, which more
    /// images share by digest; a small one would merge them into its top layer.
    /// </summary>
    public int LargeBudget { get; set; } = 64;

    /// <summary>What <see cref="PopularThreshold"/> is divided by at budgets of at least <see cref="LargeBudget"/>; 1 keeps it.</summary>
    public int LargeBudgetThresholdDivisor { get; set; } = 3;

    /// <summary>
    /// Layers are stacked by (inherited popularity + 1) to this power × bytes, highest lowest; 0 stacks by bytes
    /// alone, higher values put the layers most images hold lower (what clients reusing layers by chain need).
    /// </summary>
    public double StackingExponent { get; set; } = 1;

    /// <summary>
    /// Over budget, the layers worth least share the top layer, a layer's worth being (popularity + 1) to this power ×
    /// bytes. 0.25 (chosen on the tuning seeds; 1 before): bytes count far more than popularity, so small layers are
    /// merged and big ones stay shared; a big layer left in the top layer is downloaded again with every image.
    /// </summary>
    public double MergeExponent { get; set; } = 0.25;

    /// <summary>
    /// With closure counts (<see cref="Abstractions.Layering.LayeringContext.ClosurePopularity"/>): a path that heads a
    /// layer for its popularity alone joins the layer of a head above it (one of its referrers, transitively) that is in
    /// at least this share of the closures the path is in. Nearly every image that holds the path then holds that head
    /// too, so one layer serves both, and the stacks have one place less to part. Requested, always-popular and big
    /// paths keep their layers. 0.7 was chosen on the tuning seeds; above 1 turns it off.
    /// </summary>
    public double JoinShare { get; set; } = 0.7;
}
