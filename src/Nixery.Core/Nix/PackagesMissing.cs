using Nixery.Abstractions.Building;

namespace Nixery.Core.Nix;

/// <summary>Some requested packages are not in the package set; nothing was built.</summary>
/// <param name="Result">The missing packages, as requested, ready to return as an <see cref="ImageBuildResult"/>.</param>
public sealed record PackagesMissing(PackagesNotFound Result) : NixBuildOutcome;
