using System.Text.RegularExpressions;

namespace Nixery.Core.Sources;

/// <summary>Recognises full git commit hashes, the only revisions that can never move.</summary>
internal static partial class CommitHash
{
    [GeneratedRegex("^[0-9a-fA-F]{40}$")]
    private static partial Regex Pattern();

    /// <summary>True for a 40-digit hexadecimal SHA-1 commit hash.</summary>
    public static bool IsCommitHash(string value) => Pattern().IsMatch(value);
}
