namespace Nixery.Core.Nix;

/// <summary>Picks the part of Nix's standard error that explains a failure.</summary>
internal static class NixErrorText
{
    private const int MaxLogLines = 25;

    /// <summary>
    /// Returns Nix's error (from the first line starting with <c>error:</c> to the end) and, when
    /// <paramref name="includeLog"/> is set, the builder output just before it, the way newer Nix versions report
    /// "last log lines". Progress chatter, substituter warnings and the <c>--show-trace</c> hint are dropped.
    /// Falls back to the whole trimmed text when Nix printed no <c>error:</c> line.
    /// </summary>
    public static string Extract(string standardError, bool includeLog)
    {
        var lines = standardError.ReplaceLineEndings("\n").Split('\n');
        var firstError = Array.FindIndex(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        if (firstError < 0) return string.Join('\n', lines.Where(l => !IsNoise(l))).Trim();

        var error = string.Join('\n', lines[firstError..].Where(l => !IsShowTraceHint(l))).Trim();
        if (!includeLog) return error;

        var log = lines[..firstError].Where(l => !IsNoise(l) && l.Length > 0).TakeLast(MaxLogLines).ToList();
        return log.Count == 0 ? error : $"{error}\nlast {log.Count} log lines:\n{string.Join('\n', log.Select(l => "> " + l))}";
    }

    private static bool IsShowTraceHint(string line) => line.StartsWith("(use '--show-trace'", StringComparison.Ordinal);

    // Lines Nix prints about its own progress rather than about what went wrong.
    private static bool IsNoise(string line) =>
        IsShowTraceHint(line)
        || line.StartsWith("warning:", StringComparison.Ordinal)
        || line.StartsWith("building '", StringComparison.Ordinal)
        || line.StartsWith("copying path '", StringComparison.Ordinal)
        || line.StartsWith("these ", StringComparison.Ordinal)
        || line.StartsWith("this derivation will be built", StringComparison.Ordinal)
        || line.StartsWith("this path will be fetched", StringComparison.Ordinal)
        || line.StartsWith("  /nix/store/", StringComparison.Ordinal)
        || line.StartsWith("[…]", StringComparison.Ordinal);
}
