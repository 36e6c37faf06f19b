using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;

namespace Nixery.Layering.Tests;

/// <summary>The properties every strategy must have, on random closures with cycles, self-references and dangling references.</summary>
public class StrategyPropertyTests
{
    private static readonly int[] Budgets = [1, 2, 3, 5, 10, 24, 94];

    public static TheoryData<string, int> StrategiesAndSeeds()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in BuiltInStrategies.Names)
        {
            for (var seed = 0; seed < 4; seed++)
            {
                data.Add(name, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StrategiesAndSeeds))]
    public void Plan_PutsEveryPathInExactlyOneNonEmptySortedLayer_WithCorrectSizes_AndKeepsTheBudgetUnlessPerPath(string name, int seed)
    {
        var strategy = BuiltInStrategies.Create(name);
        var random = new Random(seed);
        for (var round = 0; round < 12; round++)
        {
            var (graph, context) = PopularityDominatorStrategyPropertyTests.RandomClosure(
                random, random.Next(1, 300), Budgets[round % Budgets.Length], withOrphans: round % 3 == 0);
            var sizes = graph.Paths.ToDictionary(p => p.Path, p => p.NarSize, StringComparer.Ordinal);

            var plan = strategy.Plan(graph, context);

            if (name != PerPathStrategy.StrategyName)
            {
                Assert.InRange(plan.Layers.Count, 1, context.Budget);
            }

            var all = plan.Layers.SelectMany(l => l.StorePaths).ToList();
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
    [MemberData(nameof(StrategiesAndSeeds))]
    public void Plan_IsDeterministicAndIndependentOfTheOrderOfPathsReferencesAndTopLevel(string name, int seed)
    {
        var strategy = BuiltInStrategies.Create(name);
        var random = new Random(seed + 100);
        for (var round = 0; round < 12; round++)
        {
            var (graph, context) = PopularityDominatorStrategyPropertyTests.RandomClosure(
                random, random.Next(1, 300), Budgets[round % Budgets.Length], withOrphans: round % 3 == 0);
            var shuffled = new RuntimeGraph(
                Shuffle(random, graph.Paths.Select(p => p with { References = Shuffle(random, p.References) })),
                Shuffle(random, graph.TopLevel));

            var first = Render(strategy.Plan(graph, context));

            Assert.Equal(first, Render(strategy.Plan(graph, context)));
            Assert.Equal(first, Render(strategy.Plan(shuffled, context)));
        }
    }

    [Theory]
    [MemberData(nameof(StrategiesAndSeeds))]
    public void Plan_OfAnEmptyGraph_HasNoLayers_AndABudgetBelowOneIsRejected(string name, int seed)
    {
        var strategy = BuiltInStrategies.Create(name);
        var random = new Random(seed + 200);

        // Each seed its own budget for the empty graph, and its own closure and non-positive budget to reject.
        Assert.Empty(strategy.Plan(new RuntimeGraph([], []), new LayeringContext(Budgets[random.Next(Budgets.Length)], Popularity.Empty)).Layers);
        var (graph, context) = PopularityDominatorStrategyPropertyTests.RandomClosure(random, random.Next(1, 300), 5, withOrphans: seed % 2 == 0);
        Assert.NotEmpty(strategy.Plan(graph, context).Layers);
        var budget = -random.Next(0, 3);
        var rejected = Assert.Throws<ArgumentOutOfRangeException>(() => strategy.Plan(graph, context with { Budget = budget }));
        Assert.Contains("budget", rejected.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static List<string> Render(LayerPlan plan) => plan.Layers.Select(l => $"{l.NarSize}: {string.Join(' ', l.StorePaths)}").ToList();

    private static List<T> Shuffle<T>(Random random, IEnumerable<T> items)
    {
        var list = items.ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        return list;
    }
}
