namespace Nixery.Abstractions.Layering;

/// <summary>What a strategy knows besides the graph.</summary>
/// <param name="Budget">The most layers the plan may have (the symlink layer is not counted).</param>
/// <param name="Popularity">Reference counts of packages in the package set.</param>
/// <param name="AlwaysPopular">Store paths to treat as maximally popular, such as those of the packages added to every image.</param>
public sealed record LayeringContext(int Budget, Popularity Popularity, IReadOnlySet<string>? AlwaysPopular = null)
{
    /// <summary>The default budget: Docker allows 125 layers; 94 leaves room for images built on top.</summary>
    public const int DefaultBudget = 94;
}
