namespace Nixery.Layering;

/// <summary>Thresholds of <see cref="PopularityDominatorStrategy"/>; the defaults are those of the original Nixery.</summary>
public sealed class PopularityDominatorOptions
{
    /// <summary>The original's size threshold: 100 MB, in decimal megabytes.</summary>
    public const long DefaultBigPathThreshold = 100L * 1000 * 1000;

    /// <summary>The original's popularity threshold.</summary>
    public const int DefaultPopularThreshold = 100;

    /// <summary>The original's popularity for packages added to every image: more than glibc's count.</summary>
    public const int DefaultAlwaysPopularPopularity = 500_000;

    /// <summary>A store path whose own NAR size is greater than this many bytes gets a layer of its own if the budget allows.</summary>
    public long BigPathThreshold { get; set; } = DefaultBigPathThreshold;

    /// <summary>A store path whose popularity is at least this gets a layer of its own if the budget allows.</summary>
    public int PopularThreshold { get; set; } = DefaultPopularThreshold;

    /// <summary>
    /// The popularity given to paths in <see cref="Abstractions.Layering.LayeringContext.AlwaysPopular"/>
    /// (unless their known popularity is higher); it weighs their layers when layers are merged and ordered.
    /// </summary>
    public int AlwaysPopularPopularity { get; set; } = DefaultAlwaysPopularPopularity;
}
