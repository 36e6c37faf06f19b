namespace Nixery.Abstractions.Building;

/// <summary>Some requested packages do not exist in the package set (<c>MANIFEST_UNKNOWN</c>).</summary>
/// <param name="Packages">Every missing package, as requested.</param>
public sealed record PackagesNotFound(IReadOnlyList<string> Packages) : ImageBuildResult
{
    /// <summary>A message naming every missing package.</summary>
    public string Message => Packages.Count == 1
        ? $"package not found in the package set: {Packages[0]}"
        : $"packages not found in the package set: {string.Join(", ", Packages)}";
}
