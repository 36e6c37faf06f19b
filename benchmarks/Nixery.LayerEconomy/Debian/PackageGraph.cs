using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Nixery.Abstractions.Graph;
using Nixery.Layering.Graphs;

namespace Nixery.LayerEconomy.Debian;

/// <summary>
/// Debian's package graph as Nix store paths: each package a path whose NAR size is its installed size and
/// whose references are its dependencies. Debian has dependency cycles and Nix has none, so every strongly
/// connected component becomes one store path (as Nix would have to build it: one output), named after its
/// ordinally smallest member with <c>_andN</c> for the N others (<c>_</c> cannot occur in Debian names).
/// </summary>
public sealed class PackageGraph
{
    private readonly string[] _names;
    private readonly long[] _sizes;
    private readonly Digraph _references;
    private readonly Dictionary<string, int> _byPackage;

    private PackageGraph(string[] names, long[] sizes, Digraph references, Dictionary<string, int> byPackage, int packageCount)
    {
        _names = names;
        _sizes = sizes;
        _references = references;
        _byPackage = byPackage;
        PackageCount = packageCount;
    }

    /// <summary>Packages in the source file.</summary>
    public int PackageCount { get; }

    /// <summary>Store paths (components) in the graph.</summary>
    public int Count => _names.Length;

    /// <summary>The store path name of a node (no hash), e.g. <c>libc6</c> or <c>libc6_and1</c>.</summary>
    public string NameOf(int node) => _names[node];

    /// <summary>The NAR size of a node.</summary>
    public long SizeOf(int node) => _sizes[node];

    /// <summary>The nodes a node refers to.</summary>
    public ReadOnlySpan<int> ReferencesOf(int node) => _references.Successors(node);

    /// <summary>The node holding a Debian package, or -1.</summary>
    public int NodeOfPackage(string package) => _byPackage.TryGetValue(package, out var n) ? n : -1;

    /// <summary>How many store paths refer to each node: the popularity the server would read.</summary>
    public int[] ReferrerCounts()
    {
        var counts = new int[Count];
        for (var v = 0; v < Count; v++)
        {
            foreach (var w in _references.Successors(v))
            {
                counts[w]++;
            }
        }

        return counts;
    }

    /// <summary>
    /// For each node, how many other nodes hold it in their closure (depend on it, transitively): the closure count the
    /// server would read, since every package of the graph is one a user can ask for.
    /// </summary>
    public int[] ClosureCounts()
    {
        var referrers = _references.Reverse();
        var marks = new int[Count];
        var counts = new int[Count];
        for (var v = 0; v < Count; v++)
        {
            // Stamps v + 1 tell this walk's marks from the earlier ones', so the array is never cleared.
            counts[v] = MarkDependents(referrers, [v], marks, v + 1) - 1;
        }

        return counts;
    }

    /// <summary>Every node reachable from <paramref name="roots"/>, roots included, ascending.</summary>
    public List<int> Closure(IEnumerable<int> roots)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        foreach (var r in roots)
        {
            if (seen.Add(r))
            {
                stack.Push(r);
            }
        }

        while (stack.TryPop(out var v))
        {
            foreach (var w in _references.Successors(v))
            {
                if (seen.Add(w))
                {
                    stack.Push(w);
                }
            }
        }

        var list = seen.ToList();
        list.Sort();
        return list;
    }

    /// <summary>Nodes that depend on any of <paramref name="changed"/>, transitively, including those.</summary>
    public bool[] DependentsOf(IEnumerable<int> changed)
    {
        var marks = new int[Count];
        MarkDependents(_references.Reverse(), changed, marks, 1);
        return marks.Select(m => m == 1).ToArray();
    }

    // Sets marks[v] = stamp for every node that depends on one of from, transitively, and for those; returns how many.
    private static int MarkDependents(Digraph referrers, IEnumerable<int> from, int[] marks, int stamp)
    {
        var stack = new Stack<int>();
        var marked = 0;
        foreach (var v in from)
        {
            if (marks[v] != stamp)
            {
                marks[v] = stamp;
                marked++;
                stack.Push(v);
            }
        }

        while (stack.TryPop(out var v))
        {
            foreach (var r in referrers.Successors(v))
            {
                if (marks[r] != stamp)
                {
                    marks[r] = stamp;
                    marked++;
                    stack.Push(r);
                }
            }
        }

        return marked;
    }

    /// <summary>
    /// The runtime graph of an image requesting <paramref name="roots"/>. A node's store path hash derives from
    /// its name and its generation (<paramref name="generationOf"/>), so a rebuilt package gets a new path.
    /// </summary>
    public RuntimeGraph ImageGraph(IReadOnlyCollection<int> roots, Func<int, string> pathOf)
    {
        var closure = Closure(roots);
        var paths = new List<StorePath>(closure.Count);
        foreach (var v in closure)
        {
            var refs = _references.Successors(v);
            var references = new string[refs.Length];
            for (var i = 0; i < refs.Length; i++)
            {
                references[i] = pathOf(refs[i]);
            }

            paths.Add(new StorePath(pathOf(v), _sizes[v], references));
        }

        return new RuntimeGraph(paths, roots.Select(pathOf).ToList());
    }

    /// <summary>A store path for a node in a generation: <c>/nix/store/HASH-name</c> with a hash of both.</summary>
    public string StorePathOf(int node, int generation)
    {
        const string Nix32 = "0123456789abcdfghijklmnpqrsvwxyz";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{_names[node]}\0{generation}"));
        Span<char> hash = stackalloc char[32];
        for (var i = 0; i < hash.Length; i++)
        {
            hash[i] = Nix32[digest[i] & 31];
        }

        return $"/nix/store/{hash}-{_names[node]}";
    }

    /// <summary>Reads the gzipped TSV (<c>name, installed size, priority, dependencies</c>) and condenses its cycles.</summary>
    public static PackageGraph Load(string tsvGz)
    {
        var names = new List<string>();
        var sizes = new List<long>();
        var depNames = new List<string[]>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(tsvGz), CompressionMode.Decompress)))
        {
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var fields = line.Split('\t');
                if (fields.Length < 3 || !index.TryAdd(fields[0], names.Count))
                {
                    continue;
                }

                names.Add(fields[0]);
                sizes.Add(long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
                depNames.Add(fields.Length > 3 && fields[3].Length > 0 ? fields[3].Split(',') : []);
            }
        }

        var edges = new List<(int, int)>();
        for (var v = 0; v < names.Count; v++)
        {
            foreach (var d in depNames[v])
            {
                if (index.TryGetValue(d, out var w) && w != v)
                {
                    edges.Add((v, w));
                }
            }
        }

        var packages = Digraph.FromEdges(names.Count, edges);
        var condensation = Condensation.Compute(packages);
        var count = condensation.ComponentCount;
        var componentNames = new string[count];
        var componentSizes = new long[count];
        for (var c = 0; c < count; c++)
        {
            var members = condensation.Members(c).ToArray().Select(m => names[m]).Order(StringComparer.Ordinal).ToList();
            componentNames[c] = members.Count == 1 ? members[0] : $"{members[0]}_and{members.Count - 1}";
            foreach (var m in condensation.Members(c))
            {
                componentSizes[c] += sizes[m];
            }
        }

        var byPackage = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var v = 0; v < names.Count; v++)
        {
            byPackage[names[v]] = condensation.ComponentOf(v);
        }

        return new PackageGraph(componentNames, componentSizes, condensation.Dag, byPackage, names.Count);
    }
}
