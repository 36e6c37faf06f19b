using Nixery.Abstractions.Layering;
using Nixery.Layering.Graphs;

namespace Nixery.Layering;

/// <summary>Turns a node-to-layer assignment into a <see cref="LayerPlan"/>; shared by the strategies.</summary>
internal static class LayerPlans
{
    /// <summary>
    /// Layer <c>l</c> of the plan holds the nodes with <c>layerOf[node] == l</c>, paths sorted ordinally, in
    /// ascending layer number; empty layer numbers are skipped.
    /// </summary>
    public static LayerPlan FromAssignment(StorePathGraph paths, ReadOnlySpan<int> layerOf, int layerCount)
    {
        var counts = new int[layerCount];
        var sizes = new long[layerCount];
        for (var i = 0; i < paths.NodeCount; i++)
        {
            var l = layerOf[i];
            counts[l]++;
            sizes[l] = checked(sizes[l] + paths.NarSizes[i]);
        }

        var contents = new string[layerCount][];
        for (var l = 0; l < layerCount; l++)
        {
            contents[l] = new string[counts[l]];
        }

        // Nodes are numbered in ordinal path order, so filling in node order keeps each layer sorted.
        var fill = new int[layerCount];
        for (var i = 0; i < paths.NodeCount; i++)
        {
            var l = layerOf[i];
            contents[l][fill[l]++] = paths.Paths[i];
        }

        var layers = new List<LayerGroup>(layerCount);
        for (var l = 0; l < layerCount; l++)
        {
            if (counts[l] > 0)
            {
                layers.Add(new LayerGroup(contents[l], sizes[l]));
            }
        }

        return new LayerPlan(layers);
    }

    /// <summary>Throws when the context's budget is below 1.</summary>
    public static void CheckArguments(object graph, LayeringContext context)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Budget < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(context), context.Budget, "The layer budget must be at least 1.");
        }
    }

    /// <summary>A path's popularity from the context: its name's count, 0 when unknown or negative.</summary>
    public static int PopularityOf(LayeringContext context, string path) =>
        CountOf(context.Popularity, Abstractions.Graph.StorePath.NameOf(path));

    /// <summary>A store path name's count in <paramref name="counts"/>, 0 when unknown or negative.</summary>
    public static int CountOf(Popularity counts, string name) => Math.Max(counts.Of(name) ?? 0, 0);
}
