namespace Nixery.Abstractions.Graph;

/// <summary>The runtime closure of an image's packages: every store path with its size and references.</summary>
/// <param name="Paths">Every path of the closure, each once.</param>
/// <param name="TopLevel">The paths the requested packages resolved to, in package order.</param>
public sealed record RuntimeGraph(IReadOnlyList<StorePath> Paths, IReadOnlyList<string> TopLevel)
{
    /// <summary>The sum of the NAR sizes of all paths.</summary>
    public long TotalNarSize => Paths.Sum(p => p.NarSize);
}
