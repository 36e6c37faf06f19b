using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Layering;
using static Nixery.Layering.Tests.StorePaths;

namespace Nixery.Layering.Tests;

public class PopularityContestStrategyTests
{
    // nixpkgs' closure-graph.py worked example:
    //     A - B - C - D -\
    //      \   \   \      \
    //       \   \   \- E - F       (B -> E as well)
    //        \- G
    // A->B, A->G, B->C, B->E, C->D, C->E, D->F, E->F. Documented popularity: A 1, B 2, C 3, D 4, E 5, F 9, G 2,
    // printed as F E D C B G A. Hashes are chosen against name order, so only the name can break the B/G tie.
    private static readonly string A = Of('z', "A"), B = Of('y', "B"), C = Of('x', "C"), D = Of('w', "D"),
        E = Of('v', "E"), F = Of('s', "F"), G = Of('a', "G");

    private static readonly RuntimeGraph Example = new(
        [Path(A, 1, A, B, G), Path(B, 1, C, E), Path(C, 1, D, E), Path(D, 1, F), Path(E, 1, F), Path(F, 1, F), Path(G, 1)],
        [A]);

    private static readonly PopularityContestStrategy Strategy = new();

    [Fact]
    public void Scores_OfTheDocumentedWorkedExample_AreThoseOfNixpkgs()
    {
        var scores = PopularityContestStrategy.Scores(Example);

        Assert.Equal(
            new Dictionary<string, UInt128> { [A] = 1, [B] = 2, [C] = 3, [D] = 4, [E] = 5, [F] = 9, [G] = 2 },
            scores.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    [Fact]
    public void Plan_WithRoomForEveryPath_StacksThemInTheDocumentedOrder_FEDCBGA()
    {
        var plan = Strategy.Plan(Example, new LayeringContext(94, Popularity.Empty));

        Assert.Equal([F, E, D, C, B, G, A], plan.Layers.Select(l => Assert.Single(l.StorePaths)));
    }

    [Fact]
    public void Plan_WithABudgetOfThree_GivesTheTwoMostPopularALayerEach_AndTheRestShareTheLast()
    {
        var plan = Strategy.Plan(Example, new LayeringContext(3, Popularity.Empty));

        Assert.Equal(3, plan.Layers.Count);
        Assert.Equal([F], plan.Layers[0].StorePaths);
        Assert.Equal([E], plan.Layers[1].StorePaths);
        Assert.Equal(new[] { A, B, C, D, G }.Order(StringComparer.Ordinal), plan.Layers[2].StorePaths);
    }

    [Fact]
    public void Scores_CountDistinctChainsFromEveryRoot_SoASecondRootAddsToItsWholeClosure()
    {
        // R1 -> X -> Y and R2 -> Y: Y has two chains (R1-X-Y, R2-Y); its score adds those of R1, X and R2.
        string r1 = Of('a', "r1"), r2 = Of('b', "r2"), x = Of('c', "x"), y = Of('d', "y");
        var scores = PopularityContestStrategy.Scores(new RuntimeGraph([Path(r1, 1, x), Path(r2, 1, y), Path(x, 1, y), Path(y, 1)], [r1, r2]));

        Assert.Equal(1UL, (ulong)scores[r1]);
        Assert.Equal(2UL, (ulong)scores[x]);
        Assert.Equal(1UL + 1 + 1 + 2, (ulong)scores[y]);
    }

    [Fact]
    public void NameKey_MovesTheStoreDirectoryAndHashToTheEnd_LikeNixpkgsPackageName()
    {
        Assert.Equal("hello-2.12-/nix/store/abc", PopularityContestStrategy.NameKey("/nix/store/abc-hello-2.12"));
    }
}
