using Nixery.LayerEconomy.Debian;

namespace Nixery.LayerEconomy.Workloads;

/// <summary>
/// Draws a fleet of image requests from the package graph, deterministically from a seed.
/// </summary>
/// <remarks>
/// <para>The generator, so that the workload can be judged and reproduced:</para>
/// <list type="number">
/// <item>The pool of requestable packages is every single-package store path with at least one dependency whose
/// name does not start with <c>lib</c> and does not end in <c>-dev</c>, <c>-doc</c>, <c>-data</c>,
/// <c>-common</c> or <c>-dbg</c>: applications and tools, the things people put in an image name.</item>
/// <item>The pool, sorted by name, is shuffled with the seed; the package at rank r is requested with weight
/// 1/(r+1) (Zipf, s = 1), so a few packages are in many images and most in few, as with real registries.</item>
/// <item>Each image requests 1 + min(G, 5) distinct packages, G geometric with p = 1/2 (1 to 6 packages, mean
/// about 2), and, with probability 1/2, Nixery's <c>shell</c> meta-package (<c>bash</c>, <c>coreutils</c>).</item>
/// </list>
/// </remarks>
public static class FleetGenerator
{
    /// <summary>The seed of the published results.</summary>
    public const int DefaultSeed = 20240229;

    /// <summary>Generates <paramref name="count"/> image requests.</summary>
    public static IReadOnlyList<ImageSpec> Generate(PackageGraph graph, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var pool = new List<int>();
        for (var v = 0; v < graph.Count; v++)
        {
            var name = graph.NameOf(v);
            if (!name.Contains('_') && graph.ReferencesOf(v).Length > 0 && !name.StartsWith("lib", StringComparison.Ordinal)
                && !name.EndsWith("-dev", StringComparison.Ordinal) && !name.EndsWith("-doc", StringComparison.Ordinal)
                && !name.EndsWith("-data", StringComparison.Ordinal) && !name.EndsWith("-common", StringComparison.Ordinal)
                && !name.EndsWith("-dbg", StringComparison.Ordinal))
            {
                pool.Add(v);
            }
        }

        pool.Sort((a, b) => string.CompareOrdinal(graph.NameOf(a), graph.NameOf(b)));
        var random = new Random(seed);
        var shuffled = pool.ToArray();
        random.Shuffle(shuffled);
        var cumulative = new double[shuffled.Length];
        var total = 0.0;
        for (var r = 0; r < shuffled.Length; r++)
        {
            total += 1.0 / (r + 1);
            cumulative[r] = total;
        }

        var shell = new[] { "bash", "coreutils" }.Select(graph.NodeOfPackage).Where(n => n >= 0).ToArray();
        var images = new List<ImageSpec>(count);
        for (var i = 0; i < count; i++)
        {
            var wanted = 1;
            while (wanted < 6 && random.Next(2) == 0)
            {
                wanted++;
            }

            var packages = new SortedSet<int>();
            while (packages.Count < wanted)
            {
                var x = random.NextDouble() * total;
                var r = Array.BinarySearch(cumulative, x);
                packages.Add(shuffled[r < 0 ? ~r : r]);
            }

            var withShell = random.Next(2) == 0;
            var names = packages.Select(graph.NameOf).Order(StringComparer.Ordinal).ToList();
            if (withShell)
            {
                names.Insert(0, "shell");
                foreach (var s in shell)
                {
                    packages.Add(s);
                }
            }

            images.Add(new ImageSpec(string.Join('/', names), [.. packages]));
        }

        return images;
    }
}
