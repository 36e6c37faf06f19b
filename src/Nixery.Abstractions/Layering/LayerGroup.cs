namespace Nixery.Abstractions.Layering;

/// <summary>A set of store paths that will be packed into one layer.</summary>
/// <param name="StorePaths">The paths, sorted ordinally; also the layer's cache key.</param>
/// <param name="NarSize">The sum of the paths' NAR sizes.</param>
public sealed record LayerGroup(IReadOnlyList<string> StorePaths, long NarSize);
