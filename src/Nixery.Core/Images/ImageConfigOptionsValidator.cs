using System.Text.RegularExpressions;

namespace Nixery.Core.Images;

/// <summary>Checks <see cref="ImageConfigOptions"/>; messages name the setting by its configuration key.</summary>
internal static partial class ImageConfigOptionsValidator
{
    // The names a POSIX shell accepts, which is what programs reading the environment expect.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex VariablePattern();

    /// <summary>What is wrong with <paramref name="options"/>, bound from <paramref name="section"/> (e.g. <c>Nixery:Images</c>).</summary>
    public static IEnumerable<string> Problems(ImageConfigOptions options, string section)
    {
        // Configured variables are bound after the defaults, so an index would not name the configured key: the value does.
        foreach (var variable in options.Environment)
        {
            if (variable is null || !VariablePattern().IsMatch(variable))
                yield return $"{section}:Environment entries must be NAME=value with a name of letters, digits and '_', not '{variable}'";
        }
        foreach (var (name, list) in new[] { ("Entrypoint", options.Entrypoint), ("Cmd", options.Cmd) })
        {
            if (list is null) continue;
            if (list.Count > 0 && string.IsNullOrEmpty(list[0]))
                yield return $"{section}:{name}:0 must name the program to run, not be empty";
        }
        if (options.WorkingDir is { } directory && !directory.StartsWith('/'))
            yield return $"{section}:WorkingDir must be an absolute path, not '{directory}'";
        if (options.Source is { Length: > 0 } source && !Uri.TryCreate(source, UriKind.Absolute, out _))
            yield return $"{section}:Source must be an absolute URL, not '{source}'";
        if (options.Created < DateTimeOffset.UnixEpoch)
            yield return $"{section}:Created must not be before 1970-01-01, not {options.Created:O}";
        foreach (var (key, value) in options.Labels)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Any(char.IsWhiteSpace))
                yield return $"{section}:Labels has a label named '{key}': label names must not be empty or hold spaces";
            else if (value is null)
                yield return $"{section}:Labels:{key} must have a value";
        }
    }
}
