namespace Nixery.Layering.Graphs;

/// <summary>
/// The dominator tree of a <see cref="Digraph"/> from a root: <c>d</c> dominates <c>v</c> when every path
/// from the root to <c>v</c> passes through <c>d</c>. Nodes the root cannot reach have no dominator.
/// </summary>
/// <remarks>
/// Computed with the simple Lengauer–Tarjan algorithm (path compression without balancing, O(m log n)),
/// written without recursion so that deep graphs cannot overflow the stack. Cycles, self-loops and
/// duplicate edges are fine.
/// </remarks>
internal sealed class DominatorTree
{
    private readonly int[] _idom;
    private readonly int[] _preorder;
    private readonly int[] _childOffsets;
    private readonly int[] _children;

    private DominatorTree(int root, int[] idom, int[] preorder, int[] childOffsets, int[] children)
    {
        Root = root;
        _idom = idom;
        _preorder = preorder;
        _childOffsets = childOffsets;
        _children = children;
    }

    /// <summary>The node the tree was computed from.</summary>
    public int Root { get; }

    /// <summary>The number of nodes of the graph, reachable or not.</summary>
    public int NodeCount => _idom.Length;

    /// <summary>
    /// The nodes reachable from the root in depth-first preorder, root first. Every node comes after its
    /// immediate dominator, so one forward pass can propagate anything down the tree.
    /// </summary>
    public ReadOnlySpan<int> ReachableInPreorder => _preorder;

    /// <summary>The immediate dominator of <paramref name="node"/>, or -1 for the root and unreachable nodes.</summary>
    public int ImmediateDominator(int node) => _idom[node];

    /// <summary>Whether the root reaches <paramref name="node"/>.</summary>
    public bool IsReachable(int node) => node == Root || _idom[node] >= 0;

    /// <summary>The nodes <paramref name="node"/> immediately dominates, in ascending order.</summary>
    public ReadOnlySpan<int> Children(int node) =>
        _children.AsSpan(_childOffsets[node], _childOffsets[node + 1] - _childOffsets[node]);

    /// <summary>Whether <paramref name="dominator"/> dominates <paramref name="node"/> (every node dominates itself).</summary>
    public bool Dominates(int dominator, int node)
    {
        if (!IsReachable(node))
        {
            return false;
        }

        for (var v = node; v >= 0; v = _idom[v])
        {
            if (v == dominator)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Computes the dominator tree of <paramref name="graph"/> from <paramref name="root"/>.</summary>
    public static DominatorTree Compute(Digraph graph, int root)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var n = graph.NodeCount;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)root, (uint)n, nameof(root));

        // Depth-first numbering. Everything below works on preorder numbers 0..count-1 (root = 0).
        var number = new int[n];
        Array.Fill(number, -1);
        var vertex = new int[n];
        var parent = new int[n];
        var count = Number(graph, root, number, vertex, parent);

        var predecessors = graph.Reverse();
        var semi = new int[count];
        var label = new int[count];
        var ancestor = new int[count];
        var dom = new int[count];
        var bucketHead = new int[count];
        var bucketNext = new int[count];
        var compressStack = new int[count];
        for (var i = 0; i < count; i++)
        {
            semi[i] = i;
            label[i] = i;
            ancestor[i] = -1;
            bucketHead[i] = -1;
        }

        for (var w = count - 1; w > 0; w--)
        {
            // Semidominator: the smallest number from which a path reaches w through larger numbers only.
            foreach (var p in predecessors.Successors(vertex[w]))
            {
                var v = number[p];
                if (v < 0)
                {
                    continue;
                }

                var u = Eval(v, ancestor, label, semi, compressStack);
                if (semi[u] < semi[w])
                {
                    semi[w] = semi[u];
                }
            }

            bucketNext[w] = bucketHead[semi[w]];
            bucketHead[semi[w]] = w;
            var pw = parent[w];
            ancestor[w] = pw;

            for (var v = bucketHead[pw]; v >= 0; v = bucketNext[v])
            {
                var u = Eval(v, ancestor, label, semi, compressStack);
                dom[v] = semi[u] < semi[v] ? u : pw;
            }

            bucketHead[pw] = -1;
        }

        // Nodes whose dominator was only implied get it from the node that implied it, in increasing order.
        for (var w = 1; w < count; w++)
        {
            if (dom[w] != semi[w])
            {
                dom[w] = dom[dom[w]];
            }
        }

        var idom = new int[n];
        Array.Fill(idom, -1);
        for (var w = 1; w < count; w++)
        {
            idom[vertex[w]] = vertex[dom[w]];
        }

        var childOffsets = new int[n + 1];
        for (var v = 0; v < n; v++)
        {
            if (idom[v] >= 0)
            {
                childOffsets[idom[v] + 1]++;
            }
        }

        for (var v = 0; v < n; v++)
        {
            childOffsets[v + 1] += childOffsets[v];
        }

        var children = new int[count - 1];
        var next = childOffsets.AsSpan(0, n).ToArray();
        for (var v = 0; v < n; v++)
        {
            if (idom[v] >= 0)
            {
                children[next[idom[v]]++] = v;
            }
        }

        return new DominatorTree(root, idom, vertex[..count], childOffsets, children);
    }

    /// <summary>Iterative depth-first search numbering nodes in preorder; returns how many were reached.</summary>
    private static int Number(Digraph graph, int root, int[] number, int[] vertex, int[] parent)
    {
        var stackNode = new int[graph.NodeCount];
        var stackEdge = new int[graph.NodeCount];
        number[root] = 0;
        vertex[0] = root;
        parent[0] = -1;
        var count = 1;
        stackNode[0] = root;
        var sp = 1;
        while (sp > 0)
        {
            var v = stackNode[sp - 1];
            var successors = graph.Successors(v);
            var pos = stackEdge[sp - 1];
            while (pos < successors.Length && number[successors[pos]] >= 0)
            {
                pos++;
            }

            if (pos == successors.Length)
            {
                sp--;
                continue;
            }

            var w = successors[pos];
            stackEdge[sp - 1] = pos + 1;
            number[w] = count;
            vertex[count] = w;
            parent[count] = number[v];
            count++;
            stackNode[sp] = w;
            stackEdge[sp] = 0;
            sp++;
        }

        return count;
    }

    /// <summary>The node of smallest semidominator on the forest path above <paramref name="v"/>, or v itself at a forest root.</summary>
    private static int Eval(int v, int[] ancestor, int[] label, int[] semi, int[] stack)
    {
        if (ancestor[v] < 0)
        {
            return v;
        }

        // Path compression, top of the path first, as the recursive formulation would do it.
        var sp = 0;
        var x = v;
        while (ancestor[ancestor[x]] >= 0)
        {
            stack[sp++] = x;
            x = ancestor[x];
        }

        while (sp > 0)
        {
            var y = stack[--sp];
            var a = ancestor[y];
            if (semi[label[a]] < semi[label[y]])
            {
                label[y] = label[a];
            }

            ancestor[y] = ancestor[a];
        }

        return label[v];
    }
}
