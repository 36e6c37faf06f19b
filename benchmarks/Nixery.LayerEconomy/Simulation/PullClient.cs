using System.Security.Cryptography;
using System.Text;
using Nixery.Abstractions.Layering;

namespace Nixery.LayerEconomy.Simulation;

/// <summary>
/// A client with a warm layer cache, pulling images one after another. It tracks what it holds three ways:
/// layers by digest, layer chains (a layer together with everything below it), and store paths (which also stand for
/// the files a partial pull can find in any held layer).
/// </summary>
/// <remarks>
/// A layer's digest stands for its content, which the strategies define by its sorted store-path list, so
/// the key is a hash of that list; packing is deterministic, so equal lists give equal blobs.
/// </remarks>
public sealed class PullClient
{
    private readonly HashSet<string> _layers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _chains = new(StringComparer.Ordinal);
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

    /// <summary>
    /// Pulls one image laid out by <paramref name="plan"/>, given each path's size, and for file-level partial pulls what
    /// each path's files are (<paramref name="contents"/>; a path missing there is its own content) and the share of a
    /// rebuilt path's bytes that differ from its base (<paramref name="rewrittenShare"/>).
    /// </summary>
    public PullTotals Pull(
        LayerPlan plan, IReadOnlyDictionary<string, long> pathSizes, IReadOnlyDictionary<string, PathContent>? contents = null, double rewrittenShare = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pathSizes);
        long digest = 0, chain = 0, floor = 0, image = 0, held = 0, files = 0;
        var chainKey = "";
        var chainBroken = false;
        foreach (var layer in plan.Layers)
        {
            var key = KeyOf(layer);
            image += layer.NarSize;
            if (!_layers.Add(key))
            {
                held++;
            }
            else
            {
                digest += layer.NarSize;
                files += FileLevelBytes(layer, pathSizes, contents, rewrittenShare);
            }

            chainKey = Hash(chainKey + "/" + key);
            if (chainBroken || !_chains.Contains(chainKey))
            {
                chainBroken = true;
                chain += layer.NarSize;
                _chains.Add(chainKey);
            }

            foreach (var path in layer.StorePaths)
            {
                if (_paths.Add(path))
                {
                    floor += pathSizes[path];
                }
            }
        }

        return new PullTotals(digest, chain, floor, image, plan.Layers.Count, held, files);
    }

    // Called before the layer's paths are added to those held: a path already held (in any layer) costs nothing, one
    // whose base is held costs its rewritten share, any other its whole size.
    private long FileLevelBytes(
        LayerGroup layer, IReadOnlyDictionary<string, long> pathSizes, IReadOnlyDictionary<string, PathContent>? contents, double rewrittenShare)
    {
        long bytes = 0;
        foreach (var path in layer.StorePaths)
        {
            if (_paths.Contains(path))
            {
                continue;
            }

            var size = pathSizes[path];
            bytes += contents is not null && contents.TryGetValue(path, out var content) && content.Base is { } b && _paths.Contains(b)
                ? (long)(size * rewrittenShare)
                : size;
        }

        return bytes;
    }

    /// <summary>The content key of a layer: a hash of its sorted path list.</summary>
    public static string KeyOf(LayerGroup layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Hash(string.Join('\n', layer.StorePaths));
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
