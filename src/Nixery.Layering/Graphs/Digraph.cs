namespace Nixery.Layering.Graphs;

/// <summary>
/// An immutable directed graph over the nodes <c>0 .. NodeCount-1</c> in compressed sparse row form:
/// the successors of node <c>v</c> are <c>targets[offsets[v] .. offsets[v+1]]</c>.
/// Two arrays instead of per-node lists keep 60k-node graphs to a few allocations and cache-friendly scans.
/// </summary>
internal sealed class Digraph
{
    private readonly int[] _offsets;
    private readonly int[] _targets;

    /// <summary>Wraps CSR arrays without copying; the caller hands over ownership.</summary>
    internal Digraph(int[] offsets, int[] targets)
    {
        if (offsets.Length == 0 || offsets[0] != 0 || offsets[^1] != targets.Length)
        {
            throw new ArgumentException("Offsets must start at 0 and end at the number of targets.", nameof(offsets));
        }

        _offsets = offsets;
        _targets = targets;
    }

    /// <summary>The number of nodes.</summary>
    public int NodeCount => _offsets.Length - 1;

    /// <summary>The number of edges, duplicates and self-loops included.</summary>
    public int EdgeCount => _targets.Length;

    /// <summary>The nodes <paramref name="node"/> has an edge to.</summary>
    public ReadOnlySpan<int> Successors(int node) =>
        _targets.AsSpan(_offsets[node], _offsets[node + 1] - _offsets[node]);

    /// <summary>Builds a graph from an edge list, keeping duplicates and self-loops (algorithms must tolerate them).</summary>
    public static Digraph FromEdges(int nodeCount, IReadOnlyList<(int From, int To)> edges)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        var offsets = new int[nodeCount + 1];
        foreach (var (from, to) in edges)
        {
            if ((uint)from >= (uint)nodeCount || (uint)to >= (uint)nodeCount)
            {
                throw new ArgumentOutOfRangeException(nameof(edges), $"The edge {from}->{to} leaves the node range 0..{nodeCount - 1}.");
            }

            offsets[from + 1]++;
        }

        for (var i = 0; i < nodeCount; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var next = offsets.AsSpan(0, nodeCount).ToArray();
        var targets = new int[edges.Count];
        foreach (var (from, to) in edges)
        {
            targets[next[from]++] = to;
        }

        return new Digraph(offsets, targets);
    }

    /// <summary>
    /// This graph plus one new node, numbered <see cref="NodeCount"/>, with edges to <paramref name="successors"/>.
    /// Appending keeps every existing node's number, so store-path indices stay valid next to a synthetic root.
    /// </summary>
    public Digraph WithExtraNode(ReadOnlySpan<int> successors)
    {
        var newCount = NodeCount + 1;
        foreach (var s in successors)
        {
            if ((uint)s >= (uint)newCount)
            {
                throw new ArgumentOutOfRangeException(nameof(successors), $"The node {s} is not in the graph.");
            }
        }

        var offsets = new int[newCount + 1];
        _offsets.CopyTo(offsets, 0);
        offsets[newCount] = _targets.Length + successors.Length;
        var targets = new int[offsets[newCount]];
        _targets.CopyTo(targets, 0);
        successors.CopyTo(targets.AsSpan(_targets.Length));
        return new Digraph(offsets, targets);
    }

    /// <summary>The graph with every edge turned around; each node's predecessors come out in ascending order.</summary>
    public Digraph Reverse()
    {
        var n = NodeCount;
        var offsets = new int[n + 1];
        foreach (var t in _targets)
        {
            offsets[t + 1]++;
        }

        for (var i = 0; i < n; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var next = offsets.AsSpan(0, n).ToArray();
        var targets = new int[_targets.Length];
        for (var v = 0; v < n; v++)
        {
            foreach (var w in Successors(v))
            {
                targets[next[w]++] = v;
            }
        }

        return new Digraph(offsets, targets);
    }
}
