namespace Nixery.Core.Layering;

/// <summary>The two maps <see cref="NixPopularity"/> computes for a package set, keyed by store path name.</summary>
/// <param name="Referrers">How many store paths of the set's closure refer to each name: what <see cref="NixeryOptions.PopularityUrl"/> reads.</param>
/// <param name="Closures">How many of the set's top-level packages hold each name in their runtime closure: what <see cref="NixeryOptions.ClosurePopularityUrl"/> reads.</param>
public sealed record PackageSetPopularity(SortedDictionary<string, int> Referrers, SortedDictionary<string, int> Closures);
