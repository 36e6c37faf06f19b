namespace Nixery.Abstractions.Layering;

/// <summary>What a strategy knows besides the graph.</summary>
/// <param name="Budget">The most layers the plan may have (the symlink layer is not counted).</param>
/// <param name="Popularity">Reference counts of packages in the package set.</param>
/// <param name="AlwaysPopular">Store paths to treat as maximally popular, such as those of the packages added to every image.</param>
/// <param name="ClosurePopularity">
/// For each package, how many top-level packages of the package set hold it in their runtime closure (where
/// <paramref name="Popularity"/> counts only direct referrers): how likely an image is to hold it, which a strategy can
/// rank and stack by.
/// Null or empty when the host has none.
/// </param>
public sealed record LayeringContext(int Budget, Popularity Popularity, IReadOnlySet<string>? AlwaysPopular = null, Popularity? ClosurePopularity = null)
{
    /// <summary>The default budget: Docker allows 125 layers; 94 leaves room for images built on top.</summary>
    public const int DefaultBudget = 94;
}
