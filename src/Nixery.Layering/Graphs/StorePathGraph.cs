using Nixery.Abstractions.Graph;

namespace Nixery.Layering.Graphs;

/// <summary>
/// A <see cref="RuntimeGraph"/> as arrays: store paths numbered in ordinal order of their path strings,
/// with their sizes and a <see cref="Digraph"/> of references. Numbering by path string makes everything
/// built on it independent of the order Nix happened to report paths and references in.
/// </summary>
internal sealed class StorePathGraph
{
    private readonly string[] _paths;
    private readonly long[] _narSizes;
    private readonly int[] _topLevel;
    private readonly Dictionary<string, int> _index;

    private StorePathGraph(string[] paths, long[] narSizes, Digraph references, int[] topLevel, Dictionary<string, int> index)
    {
        _paths = paths;
        _narSizes = narSizes;
        References = references;
        _topLevel = topLevel;
        _index = index;
    }

    /// <summary>The number of store paths.</summary>
    public int NodeCount => _paths.Length;

    /// <summary>The store paths, sorted ordinally; a path's position is its node number.</summary>
    public ReadOnlySpan<string> Paths => _paths;

    /// <summary>The NAR size of each node.</summary>
    public ReadOnlySpan<long> NarSizes => _narSizes;

    /// <summary>
    /// Edges from each path to the paths it references, sorted and without duplicates.
    /// Self-references (Nix reports them) and references to paths outside the graph are left out.
    /// </summary>
    public Digraph References { get; }

    /// <summary>The top-level paths that are in the graph, sorted and without duplicates.</summary>
    public ReadOnlySpan<int> TopLevel => _topLevel;

    /// <summary>The node number of <paramref name="path"/>, or -1 when it is not in the graph.</summary>
    public int IndexOf(string path) => _index.TryGetValue(path, out var i) ? i : -1;

    /// <summary>Numbers the paths of <paramref name="graph"/> and maps its references to node numbers.</summary>
    /// <exception cref="ArgumentException">A path appears twice or has a negative size.</exception>
    public static StorePathGraph Build(RuntimeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var source = graph.Paths;
        var n = source.Count;
        var paths = new string[n];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            paths[i] = source[i].Path;
            order[i] = i;
        }

        Array.Sort(paths, order, StringComparer.Ordinal);

        var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        var narSizes = new long[n];
        var referenceCount = 0;
        for (var i = 0; i < n; i++)
        {
            // Two entries for one path could disagree on size and references; refuse rather than guess.
            if (!index.TryAdd(paths[i], i))
            {
                throw new ArgumentException($"The store path {paths[i]} appears more than once in the graph.", nameof(graph));
            }

            var storePath = source[order[i]];
            if (storePath.NarSize < 0)
            {
                throw new ArgumentException($"The store path {paths[i]} has a negative size.", nameof(graph));
            }

            narSizes[i] = storePath.NarSize;
            referenceCount += storePath.References.Count;
        }

        var offsets = new int[n + 1];
        var targets = new int[referenceCount];
        var m = 0;
        for (var i = 0; i < n; i++)
        {
            var start = m;
            foreach (var reference in source[order[i]].References)
            {
                if (index.TryGetValue(reference, out var j) && j != i)
                {
                    targets[m++] = j;
                }
            }

            m = start + SortUnique(targets.AsSpan(start, m - start));
            offsets[i + 1] = m;
        }

        if (m != targets.Length)
        {
            Array.Resize(ref targets, m);
        }

        var topLevel = new int[graph.TopLevel.Count];
        var t = 0;
        foreach (var path in graph.TopLevel)
        {
            if (index.TryGetValue(path, out var j))
            {
                topLevel[t++] = j;
            }
        }

        t = SortUnique(topLevel.AsSpan(0, t));
        return new StorePathGraph(paths, narSizes, new Digraph(offsets, targets), topLevel[..t], index);
    }

    /// <summary>Sorts <paramref name="values"/> and moves the distinct values to its front; returns their count.</summary>
    private static int SortUnique(Span<int> values)
    {
        if (values.Length < 2)
        {
            return values.Length;
        }

        values.Sort();
        var count = 1;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] != values[count - 1])
            {
                values[count++] = values[i];
            }
        }

        return count;
    }
}
