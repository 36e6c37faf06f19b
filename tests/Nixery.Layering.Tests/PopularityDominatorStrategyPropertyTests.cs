using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;

namespace Nixery.Layering.Tests;

public class PopularityDominatorStrategyPropertyTests
{
    private static readonly int[] Budgets = [1, 2, 3, 5, 10, 94];
    private static readonly PopularityDominatorStrategy Strategy = new();

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 0; seed < 12; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_PutsEveryPathInExactlyOneLayer_WithinBudget_WithSortedPathsAndCorrectSizes(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 10; round++)
        {
            var (graph, context) = RandomClosure(random, random.Next(1, 400), Budgets[round % Budgets.Length], withOrphans: round % 3 == 0);
            var sizes = graph.Paths.ToDictionary(p => p.Path, p => p.NarSize, StringComparer.Ordinal);

            var plan = Strategy.Plan(graph, context);

            Assert.InRange(plan.Layers.Count, 1, context.Budget);
            var all = plan.Layers.SelectMany(l => l.StorePaths).ToList();
            Assert.Equal(sizes.Count, all.Count);
            Assert.Equal(sizes.Keys.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
            foreach (var layer in plan.Layers)
            {
                Assert.NotEmpty(layer.StorePaths);
                Assert.Equal(layer.StorePaths.Order(StringComparer.Ordinal), layer.StorePaths);
                Assert.Equal(layer.StorePaths.Sum(p => sizes[p]), layer.NarSize);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_IsDeterministicAndIndependentOfTheOrderOfPathsReferencesAndTopLevel(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 10; round++)
        {
            var (graph, context) = RandomClosure(random, random.Next(1, 400), Budgets[round % Budgets.Length], withOrphans: round % 3 == 0);
            var shuffled = new RuntimeGraph(
                Shuffle(random, graph.Paths.Select(p => p with { References = Shuffle(random, p.References) }).ToList()),
                Shuffle(random, graph.TopLevel));

            var first = RenderWithSizes(Strategy.Plan(graph, context));
            var again = RenderWithSizes(Strategy.Plan(graph, context));
            var fromShuffled = RenderWithSizes(Strategy.Plan(shuffled, context));

            Assert.Equal(first, again);
            Assert.Equal(first, fromShuffled);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_MatchesANaiveReferenceOfTheOriginalAlgorithm(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 20; round++)
        {
            var (graph, context) = RandomClosure(random, random.Next(1, 40), Budgets[round % Budgets.Length], withOrphans: false);

            Assert.Equal(Reference(graph, context), Render(Strategy.Plan(graph, context)));
        }
    }

    /// <summary>
    /// A closure shaped like Nix's: references mostly to later paths (a DAG) with a few back-references
    /// (cycles), self-references, references to paths outside the closure, repeated names, some big paths,
    /// popularity data for some names and always-popular paths. Without orphans every path is reachable
    /// from the top level.
    /// </summary>
    internal static (RuntimeGraph Graph, LayeringContext Context) RandomClosure(Random random, int n, int budget, bool withOrphans)
    {
        var paths = new string[n];
        for (var i = 0; i < n; i++)
        {
            paths[i] = StorePaths.Random(random, $"pkg{random.Next(Math.Max(1, n / 2))}-1.0");
        }

        var references = new List<string>[n];
        var referenced = new bool[n];
        for (var i = 0; i < n; i++)
        {
            references[i] = [];
            var count = i + 1 < n ? random.Next(0, Math.Min(6, n - i)) : 0;
            for (var k = 0; k < count; k++)
            {
                var j = random.Next(i + 1, n);
                references[i].Add(paths[j]);
                referenced[j] = true;
            }

            if (random.Next(10) == 0)
            {
                references[i].Add(paths[i]);
            }

            if (random.Next(20) == 0)
            {
                references[i].Add(StorePaths.Random(random, "not-in-closure-1.0"));
            }

            if (i > 0 && random.Next(15) == 0)
            {
                references[i].Add(paths[random.Next(i)]); // back-reference: a cycle when the target leads here
            }
        }

        var topLevel = Enumerable.Range(0, n).Where(i => !referenced[i] || random.Next(25) == 0).Select(i => paths[i]).ToList();
        if (withOrphans && topLevel.Count > 1)
        {
            topLevel.RemoveAt(random.Next(topLevel.Count)); // its exclusive closure can now only be reached by back-references, if at all
        }

        var storePaths = new StorePath[n];
        for (var i = 0; i < n; i++)
        {
            var size = random.Next(10) == 0 ? random.NextInt64(90_000_000, 200_000_000) : random.NextInt64(0, 5_000_000);
            storePaths[i] = new StorePath(paths[i], size, references[i]);
        }

        var popularity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in paths)
        {
            if (random.Next(3) == 0)
            {
                popularity[StorePath.NameOf(p)] = random.Next(0, 250);
            }
        }

        var alwaysPopular = paths.Where(_ => random.Next(30) == 0).ToHashSet(StringComparer.Ordinal);
        return (new RuntimeGraph(storePaths, topLevel), new LayeringContext(budget, new Popularity(popularity), alwaysPopular));
    }

    /// <summary>
    /// The original algorithm written as plainly as possible: dominance by removing nodes and searching again,
    /// layers by ascending rating, and merging of the first layer into the second until the budget is met.
    /// Layers are then stacked as the strategy documents: descending rating, the merged layer last.
    /// </summary>
    private static List<string> Reference(RuntimeGraph graph, LayeringContext context)
    {
        var options = new PopularityDominatorOptions();
        var paths = graph.Paths.Select(p => p.Path).Order(StringComparer.Ordinal).ToList();
        var byPath = graph.Paths.ToDictionary(p => p.Path, StringComparer.Ordinal);
        var n = paths.Count;
        var root = n;
        var popularity = paths.Select(p =>
        {
            var pop = context.Popularity.Of(StorePath.NameOf(p)) ?? 1;
            return context.AlwaysPopular!.Contains(p) ? Math.Max(pop, options.AlwaysPopularPopularity) : pop;
        }).ToList();

        var successors = new List<int>[n + 1];
        for (var i = 0; i < n; i++)
        {
            successors[i] = byPath[paths[i]].References.Where(r => r != paths[i] && byPath.ContainsKey(r)).Select(r => paths.IndexOf(r)).ToList();
        }

        successors[root] = graph.TopLevel.Select(t => paths.IndexOf(t))
            .Concat(Enumerable.Range(0, n).Where(i =>
                byPath[paths[i]].NarSize > options.BigPathThreshold || popularity[i] >= options.PopularThreshold || context.AlwaysPopular!.Contains(paths[i])))
            .ToList();

        bool[] Reach(int removed)
        {
            var seen = new bool[n + 1];
            var stack = new Stack<int>([root]);
            seen[root] = true;
            while (stack.TryPop(out var v))
            {
                foreach (var w in successors[v].Where(w => w != removed && !seen[w]))
                {
                    seen[w] = true;
                    stack.Push(w);
                }
            }

            return seen;
        }

        var reachable = Reach(-1);
        var cutOff = Enumerable.Range(0, n).Select(d => Reach(d)).ToList();
        bool Dominates(int d, int v) => reachable[v] && (d == v || !cutOff[d][v]);

        // Children of the root: reachable nodes with no strict dominator other than the root.
        var heads = Enumerable.Range(0, n).Where(v => reachable[v] && !Enumerable.Range(0, n).Any(d => d != v && Dominates(d, v)));
        var layers = heads.Select(h =>
        {
            var members = Enumerable.Range(0, n).Where(v => Dominates(h, v)).Select(v => paths[v]).ToList();
            var size = members.Sum(m => byPath[m].NarSize);
            return (Paths: members, Rating: (UInt128)popularity[h] * (UInt128)size);
        }).OrderBy(l => l.Rating).ThenBy(l => l.Paths[0], StringComparer.Ordinal).ToList();

        var merged = layers.Count > context.Budget;
        while (layers.Count > context.Budget)
        {
            layers = [(layers[0].Paths.Concat(layers[1].Paths).Order(StringComparer.Ordinal).ToList(), layers[0].Rating + layers[1].Rating), .. layers[2..]];
        }

        var stacked = layers.Skip(merged ? 1 : 0).OrderByDescending(l => l.Rating).ThenBy(l => l.Paths[0], StringComparer.Ordinal).ToList();
        if (merged)
        {
            stacked.Add(layers[0]);
        }

        return stacked.Select(l => string.Join(' ', l.Paths)).ToList();
    }

    private static List<string> Render(LayerPlan plan) => plan.Layers.Select(l => string.Join(' ', l.StorePaths)).ToList();

    private static List<string> RenderWithSizes(LayerPlan plan) => plan.Layers.Select(l => $"{l.NarSize}: {string.Join(' ', l.StorePaths)}").ToList();

    private static List<T> Shuffle<T>(Random random, IEnumerable<T> items)
    {
        var list = items.ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        return list;
    }
}
