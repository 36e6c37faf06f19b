using System.Text.RegularExpressions;

namespace Nixery.IntegrationTests.Packaging;

/// <summary>The fenced code blocks of one section of README.md, in order, exactly as written there.</summary>
internal static partial class ReadmeSnippets
{
    [GeneratedRegex("^```(?<language>[a-z]*)\\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();

    /// <summary>The blocks of the section headed <c>## <paramref name="heading"/></c>, with their language.</summary>
    public static IReadOnlyList<(string Language, string Code)> Of(string readme, string heading)
    {
        var text = readme.ReplaceLineEndings("\n");
        var start = text.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"README.md has no section '## {heading}'");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];
        return [.. Block().Matches(section).Select(m => (m.Groups["language"].Value, m.Groups["code"].Value))];
    }
}
