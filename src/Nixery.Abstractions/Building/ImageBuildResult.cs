namespace Nixery.Abstractions.Building;

/// <summary>What building an image gave: an image, or the packages that do not exist.</summary>
public abstract record ImageBuildResult;
