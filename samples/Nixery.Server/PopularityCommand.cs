using System.Text.Json;
using Nixery.Abstractions;
using Nixery.Core.Layering;
using Nixery.Core.Nix;

namespace Nixery.Server;

/// <summary>
/// <c>nixery popularity DIR --output FILE [--closure-output FILE] [--attr NAME]... [-- NIX_ARGUMENTS...]</c>: writes the
/// popularity JSON the server reads (<c>NIX_POPULARITY_URL</c>, and <c>NIX_CLOSURE_POPULARITY_URL</c>) for a package set, through Nix.
/// </summary>
internal static class PopularityCommand
{
    public const string Usage = """
        usage: nixery popularity PACKAGE_SET_DIR --output FILE [--closure-output FILE] [--attr NAME]... [-- NIX_ARGUMENTS...]

        Realises every top-level package of the package set (or each --attr) and writes {"name-version": number of
        store paths referring to it}, the popularity data NIX_POPULARITY_URL reads; with --closure-output also
        {"name-version": number of those packages holding it in their closure}, which NIX_CLOSURE_POPULARITY_URL
        reads (the economy strategy stacks layers by it). Realising a whole nixpkgs is a
        big job: name the attributes that matter with --attr. Arguments after '--' go to every Nix call
        (e.g. -- --option substitute false). NIX_TIMEOUT bounds each call (default here: 600 s).
        """;

    public static async Task<int> RunAsync(string[] args, Func<string, string?> variable, CancellationToken cancellationToken)
    {
        if (args is not [var packageSet, "--output" or "-o", var output, .. var rest]
            || !TryParseTail(rest, out var closureOutput, out var attributes, out var nixArguments))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 64;
        }

        var options = new NixOptions { Timeout = TimeSpan.FromSeconds(600) };
        if (variable("NIX_TIMEOUT") is { Length: > 0 } timeout)
        {
            if (!int.TryParse(timeout, out var seconds) || seconds <= 0)
            {
                await Console.Error.WriteLineAsync($"nixery: NIX_TIMEOUT must be a positive whole number of seconds, not '{timeout}'");
                return 78;
            }
            options.Timeout = TimeSpan.FromSeconds(seconds);
        }
        foreach (var argument in nixArguments) options.ExtraArguments.Add(argument);

        try
        {
            var counts = await NixPopularity.ComputeAsync(packageSet, attributes, options, cancellationToken);
            await WriteAsync(output, counts.Referrers, cancellationToken);
            Console.WriteLine($"popularity of {counts.Referrers.Count} names written to {output}");
            if (closureOutput is not null)
            {
                await WriteAsync(closureOutput, counts.Closures, cancellationToken);
                Console.WriteLine($"closure counts of {counts.Closures.Count} names written to {closureOutput}");
            }

            return 0;
        }
        catch (NixeryException error)
        {
            await Console.Error.WriteLineAsync($"nixery: {error.Message}");
            return 1;
        }
    }

    private static Task WriteAsync(string file, SortedDictionary<string, int> counts, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(file, JsonSerializer.Serialize(counts, new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);

    // [--closure-output FILE] [--attr NAME]... in any order, then [-- NIX_ARGUMENTS...]
    private static bool TryParseTail(string[] rest, out string? closureOutput, out List<string>? attributes, out string[] nixArguments)
    {
        closureOutput = null;
        attributes = null;
        var i = 0;
        for (; i + 1 < rest.Length && rest[i] is "--attr" or "--closure-output"; i += 2)
        {
            if (rest[i] == "--attr") (attributes ??= []).Add(rest[i + 1]);
            else closureOutput = rest[i + 1];
        }

        nixArguments = i < rest.Length && rest[i] == "--" ? rest[(i + 1)..] : [];
        return i == rest.Length || rest[i] == "--";
    }
}
