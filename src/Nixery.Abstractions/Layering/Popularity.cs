using System.Collections.Frozen;

namespace Nixery.Abstractions.Layering;

/// <summary>
/// How many store paths of the package set refer to each package, keyed by the store path's name without hash
/// (e.g. <c>glibc-2.37</c>). Popular packages are worth a layer of their own because many images share them.
/// </summary>
public sealed class Popularity
{
    private readonly FrozenDictionary<string, int> _counts;

    /// <summary>Creates popularity data from a map of name to count.</summary>
    public Popularity(IEnumerable<KeyValuePair<string, int>> counts) =>
        _counts = counts.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>No popularity data: every package counts as 0.</summary>
    public static Popularity Empty { get; } = new([]);

    /// <summary>The number of names known.</summary>
    public int Count => _counts.Count;

    /// <summary>The count for a store path name, or null when unknown.</summary>
    public int? Of(string name) => _counts.TryGetValue(name, out var count) ? count : null;

    /// <summary>All known counts.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;
}
