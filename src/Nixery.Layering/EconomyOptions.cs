namespace Nixery.Layering;

/// <summary>Thresholds of <see cref="EconomyStrategy"/>; the defaults are those chosen in docs/layer-economy.md.</summary>
public sealed class EconomyOptions
{
    /// <summary>A path referred to by at least this many store paths of the package set heads a layer.</summary>
    public int PopularThreshold { get; set; } = 60;

    /// <summary>A path at least this big (bytes) heads a layer.</summary>
    public long BigPathThreshold { get; set; } = 50L * 1000 * 1000;
}
