namespace Nixery.Abstractions.Building;

/// <summary>Some requested packages do not exist in the package set (<c>MANIFEST_UNKNOWN</c>).</summary>
/// <param name="Packages">Every missing package, as requested.</param>
public sealed record PackagesNotFound(IReadOnlyList<string> Packages) : ImageBuildResult
{
    /// <summary>
    /// The platform (e.g. <c>linux/arm64</c>) whose package set lacks them, when the name asked for several platforms
    /// and only some lack them; null otherwise.
    /// </summary>
    public string? Platform { get; init; }

    /// <summary>A message naming every missing package (and the platform, when set).</summary>
    public string Message => (Packages.Count == 1
        ? $"package not found in the package set{ForPlatform}: {Packages[0]}"
        : $"packages not found in the package set{ForPlatform}: {string.Join(", ", Packages)}");

    private string ForPlatform => Platform is { } platform ? $" for {platform}" : "";
}
