namespace Nixery.Layering.Graphs;

/// <summary>
/// The strongly connected components of a <see cref="Digraph"/>, each contracted to one node: an acyclic graph.
/// Nix closures have no cycles apart from self-references, but package graphs such as Debian's do, and a
/// strategy that counts paths or walks dependencies first needs a DAG; it then places a component's members
/// together, so every store path still lands in exactly one layer.
/// </summary>
/// <remarks>
/// Tarjan's algorithm, iterative. Components are numbered so that every edge goes from a higher number to a
/// lower one (a component's references come before it): ascending numbers are dependencies first.
/// Numbering depends only on the graph's node numbers, so it is as deterministic as they are.
/// </remarks>
internal sealed class Condensation
{
    private readonly int[] _componentOf;
    private readonly int[] _memberOffsets;
    private readonly int[] _members;

    private Condensation(int[] componentOf, int[] memberOffsets, int[] members, Digraph dag)
    {
        _componentOf = componentOf;
        _memberOffsets = memberOffsets;
        _members = members;
        Dag = dag;
    }

    /// <summary>The number of components.</summary>
    public int ComponentCount => _memberOffsets.Length - 1;

    /// <summary>Edges between components, sorted, without duplicates or self-loops; always from higher to lower numbers.</summary>
    public Digraph Dag { get; }

    /// <summary>The component of a node.</summary>
    public int ComponentOf(int node) => _componentOf[node];

    /// <summary>The nodes of a component, ascending.</summary>
    public ReadOnlySpan<int> Members(int component) =>
        _members.AsSpan(_memberOffsets[component], _memberOffsets[component + 1] - _memberOffsets[component]);

    /// <summary>Whether the graph had no cycle (every component is one node).</summary>
    public bool IsTrivial => ComponentCount == _componentOf.Length;

    /// <summary>Condenses <paramref name="graph"/>.</summary>
    public static Condensation Compute(Digraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var n = graph.NodeCount;
        var index = new int[n];
        var low = new int[n];
        Array.Fill(index, -1);
        var onStack = new bool[n];
        var stack = new int[n];
        var sp = 0;
        var callNode = new int[n];
        var callEdge = new int[n];
        var componentOf = new int[n];
        var components = 0;
        var counter = 0;

        for (var start = 0; start < n; start++)
        {
            if (index[start] >= 0)
            {
                continue;
            }

            var depth = 0;
            callNode[0] = start;
            callEdge[0] = 0;
            index[start] = low[start] = counter++;
            stack[sp++] = start;
            onStack[start] = true;
            while (depth >= 0)
            {
                var v = callNode[depth];
                var successors = graph.Successors(v);
                var pos = callEdge[depth];
                var descended = false;
                while (pos < successors.Length)
                {
                    var w = successors[pos++];
                    if (index[w] < 0)
                    {
                        callEdge[depth] = pos;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = 0;
                        index[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        descended = true;
                        break;
                    }

                    if (onStack[w] && index[w] < low[v])
                    {
                        low[v] = index[w];
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack[--sp];
                        onStack[w] = false;
                        componentOf[w] = components;
                    }
                    while (w != v);
                    components++;
                }

                depth--;
                if (depth >= 0)
                {
                    var parent = callNode[depth];
                    if (low[v] < low[parent])
                    {
                        low[parent] = low[v];
                    }
                }
            }
        }

        // Tarjan finishes a component only after every component it reaches: references get lower numbers.
        var memberOffsets = new int[components + 1];
        foreach (var c in componentOf)
        {
            memberOffsets[c + 1]++;
        }

        for (var c = 0; c < components; c++)
        {
            memberOffsets[c + 1] += memberOffsets[c];
        }

        var members = new int[n];
        var fill = memberOffsets.AsSpan(0, components).ToArray();
        for (var v = 0; v < n; v++)
        {
            members[fill[componentOf[v]]++] = v;
        }

        var dagOffsets = new int[components + 1];
        var targets = new List<int>();
        var scratch = new List<int>();
        for (var c = 0; c < components; c++)
        {
            scratch.Clear();
            foreach (var v in members.AsSpan(memberOffsets[c], memberOffsets[c + 1] - memberOffsets[c]))
            {
                foreach (var w in graph.Successors(v))
                {
                    var d = componentOf[w];
                    if (d != c)
                    {
                        scratch.Add(d);
                    }
                }
            }

            scratch.Sort();
            for (var i = 0; i < scratch.Count; i++)
            {
                if (i == 0 || scratch[i] != scratch[i - 1])
                {
                    targets.Add(scratch[i]);
                }
            }

            dagOffsets[c + 1] = targets.Count;
        }

        return new Condensation(componentOf, memberOffsets, members, new Digraph(dagOffsets, [.. targets]));
    }
}
