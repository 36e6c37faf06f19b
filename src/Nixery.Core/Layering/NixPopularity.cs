using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Core.Nix;
using Nixery.Layering;

namespace Nixery.Core.Layering;

/// <summary>
/// Computes popularity data for a local package set through Nix: every top-level derivation of the set is
/// instantiated and realised, the runtime closure of all outputs is read with <c>nix path-info --json
/// --recursive</c>, and each name is counted by how many store paths of that closure refer to it, and by how many of
/// the top-level packages hold it in their closure.
/// </summary>
/// <remarks>
/// Nested attribute sets are only entered where the set asks for it (<c>recurseForDerivations</c>), as
/// <c>nix-instantiate</c> does. For a large set such as nixpkgs, realising everything is the costly part;
/// pass <c>--option substitute true</c> in <see cref="NixOptions.ExtraArguments"/> to fetch from a cache.
/// </remarks>
public static class NixPopularity
{
    // Every requested attribute that evaluates to a derivation; ones that throw (broken, unfree...) are skipped.
    private const string Expression = """
        { set, attrs }:
        let
          pkgs = import set { };
          names = if attrs == null then builtins.attrNames pkgs else attrs;
          drvOf = n: let r = builtins.tryEval (let v = pkgs.${n} or null; in
            if builtins.isAttrs v && v ? drvPath then { drv = v.drvPath; out = v.outPath; } else null);
            in if r.success then r.value else null;
        in builtins.filter (x: x != null) (map drvOf names)
        """;

    /// <summary>Computes both maps for the package set in <paramref name="packageSetPath"/>.</summary>
    /// <param name="packageSetPath">A directory whose <c>default.nix</c> is a function of <c>{ ... }</c> returning an attribute set.</param>
    /// <param name="attributes">The top-level attributes to count; null for all. Those that fail to evaluate or build are left out.</param>
    /// <param name="options">Where Nix is, its timeout per call, extra arguments for every call.</param>
    /// <param name="cancellationToken">Cancels the Nix calls.</param>
    /// <exception cref="NixFailureException">A Nix command failed or printed something unexpected.</exception>
    public static async Task<PackageSetPopularity> ComputeAsync(
        string packageSetPath, IReadOnlyList<string>? attributes, NixOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packageSetPath);
        ArgumentNullException.ThrowIfNull(options);
        var set = Path.GetFullPath(packageSetPath);
        var attrs = attributes is null ? "null" : JsonSerializer.Serialize(attributes.ToArray(), NixJsonContext.Default.StringArray);
        var evaluated = await RunAsync(
            "nix-instantiate",
            ["--eval", "--strict", "--json", "--read-write-mode", "-E", Expression, "--arg", "set", set, "--arg", "attrs", $"builtins.fromJSON ''{attrs}''"],
            options, NixFailureKind.Evaluation, cancellationToken).ConfigureAwait(false);
        var packages = JsonSerializer.Deserialize(evaluated, NixJsonContext.Default.ListPopularityPackage) ?? [];
        if (packages.Count == 0)
        {
            return Empty();
        }

        // --keep-going: what builds is counted; a failed build is skipped (its outputs are then not in the store).
        try
        {
            await RunAsync("nix-store", ["--realise", "--keep-going", .. packages.Select(p => p.Drv).Distinct()], options, NixFailureKind.Build, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (NixFailureException error) when (error.Kind == NixFailureKind.Build)
        {
        }

        var outputs = packages.Select(p => p.Out).Distinct(StringComparer.Ordinal).Where(p => Path.Exists(p)).ToList();
        if (outputs.Count == 0)
        {
            return Empty();
        }

        var json = await RunAsync(
            "nix", ["path-info", "--json", "--recursive", "--extra-experimental-features", "nix-command", .. outputs],
            options, NixFailureKind.Invocation, cancellationToken).ConfigureAwait(false);
        List<PathInfo> infos;
        try
        {
            infos = JsonSerializer.Deserialize(json, NixJsonContext.Default.ListPathInfo) ?? [];
        }
        catch (JsonException error)
        {
            throw new NixFailureException(NixFailureKind.Invocation, "", $"nix path-info printed JSON that could not be read: {error.Message}");
        }

        var paths = infos.Select(i => new StorePath(i.Path, i.NarSize, i.References ?? [])).ToList();
        return new PackageSetPopularity(PopularityCounts.Count(paths), PopularityCounts.CountClosures(paths, outputs));
    }

    private static PackageSetPopularity Empty() =>
        new(new SortedDictionary<string, int>(StringComparer.Ordinal), new SortedDictionary<string, int>(StringComparer.Ordinal));

    private static async Task<string> RunAsync(
        string command, IReadOnlyList<string> arguments, NixOptions options, NixFailureKind failureKind, CancellationToken cancellationToken)
    {
        var result = await new NixCommandRunner(options, NullLogger.Instance)
            .RunAsync(command, arguments, failureKind, cancellationToken).ConfigureAwait(false);
        return result.StandardOutput;
    }
}
