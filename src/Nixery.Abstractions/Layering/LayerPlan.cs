namespace Nixery.Abstractions.Layering;

/// <summary>The layers of an image in the order they are stacked, lowest first.</summary>
public sealed record LayerPlan(IReadOnlyList<LayerGroup> Layers);
