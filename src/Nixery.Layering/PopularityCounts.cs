using Nixery.Abstractions.Graph;

namespace Nixery.Layering;

/// <summary>
/// Popularity data from a package set's store paths: for each store path name (as
/// <see cref="StorePath.NameOf"/> gives it), how many distinct store paths refer to a path of that name.
/// This is the JSON map the server reads (<c>{"name-version": count}</c>); <see cref="CountClosures"/> gives the
/// map of closure counts in the same shape.
/// </summary>
public static class PopularityCounts
{
    /// <summary>
    /// Counts referrers over <paramref name="paths"/> (each path once; self-references and references to
    /// paths not listed are ignored). Names nothing refers to are listed with 0, so the map covers the set.
    /// </summary>
    public static SortedDictionary<string, int> Count(IEnumerable<StorePath> paths)
    {
        var (byPath, counts) = Index(paths);
        var referrers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var p in byPath.Values)
        {
            foreach (var r in p.References)
            {
                if (r != p.Path && byPath.ContainsKey(r))
                {
                    if (!referrers.TryGetValue(r, out var set))
                    {
                        referrers[r] = set = new HashSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(p.Path);
                }
            }
        }

        // Several paths can share a name (two builds of one version): their referrers are counted together.
        var byName = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (path, set) in referrers)
        {
            var name = StorePath.NameOf(path);
            if (!byName.TryGetValue(name, out var all))
            {
                byName[name] = all = new HashSet<string>(StringComparer.Ordinal);
            }

            all.UnionWith(set);
        }

        foreach (var (name, set) in byName)
        {
            counts[name] = set.Count;
        }

        return counts;
    }

    /// <summary>
    /// Counts, for each name, how many of <paramref name="roots"/> (the package set's top-level packages) hold a path
    /// of that name in their runtime closure within <paramref name="paths"/>, not counting a root as holding itself.
    /// Names no other root holds are listed with 0, so the map covers the set.
    /// </summary>
    public static SortedDictionary<string, int> CountClosures(IEnumerable<StorePath> paths, IEnumerable<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var (byPath, counts) = Index(paths);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        foreach (var root in roots.Distinct(StringComparer.Ordinal).Where(byPath.ContainsKey))
        {
            seen.Clear();
            names.Clear();
            seen.Add(root);
            stack.Push(root);
            while (stack.TryPop(out var path))
            {
                foreach (var r in byPath[path].References)
                {
                    if (byPath.ContainsKey(r) && seen.Add(r))
                    {
                        stack.Push(r);
                    }
                }
            }

            // A name counts once per root, however many of its paths the closure holds.
            foreach (var path in seen)
            {
                if (path != root)
                {
                    names.Add(byPath[path].Name);
                }
            }

            foreach (var name in names)
            {
                counts[name]++;
            }
        }

        return counts;
    }

    // Each path once, by its path; and every name of the set with a count of 0, so the map covers the set.
    private static (Dictionary<string, StorePath> ByPath, SortedDictionary<string, int> Counts) Index(IEnumerable<StorePath> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var byPath = new Dictionary<string, StorePath>(StringComparer.Ordinal);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in paths)
        {
            if (byPath.TryAdd(p.Path, p))
            {
                counts.TryAdd(p.Name, 0);
            }
        }

        return (byPath, counts);
    }
}
