using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Nixery.Core.Sources;

/// <summary>
/// A flake reference as Nix accepts it (<c>path:/srv/pkgs</c>, <c>git+file:///srv/pkgs</c>, <c>git+https://…</c>,
/// <c>github:owner/repo</c>, a tarball URL, a registry name such as <c>nixpkgs</c>, or a plain path), checked when the
/// configuration is read so a typo stops the start instead of failing every pull. Local paths are made absolute and must
/// exist; everything else is left to Nix.
/// </summary>
public sealed partial class FlakeReference
{
    private static readonly string[] GitForges = ["github", "gitlab", "sourcehut"];

    private static readonly HashSet<string> KnownSchemes = new(StringComparer.Ordinal)
    {
        "path", "git+file", "git+https", "git+http", "git+ssh", "git",
        "github", "gitlab", "sourcehut",
        "hg+file", "hg+https", "hg+http", "hg+ssh",
        "tarball+file", "tarball+https", "tarball+http", "file+file", "file+https", "file+http", "https", "http",
        "flake",
    };

    private FlakeReference(string value, string scheme)
    {
        Value = value;
        Scheme = scheme;
    }

    /// <summary>The reference, with local paths made absolute.</summary>
    public string Value { get; }

    /// <summary>The reference's kind, e.g. <c>path</c>, <c>git+file</c>, <c>github</c>; empty for a plain path or a registry name.</summary>
    public string Scheme { get; }

    /// <summary>True for a git repository (<c>git+…:</c>, <c>github:</c>, <c>gitlab:</c>, <c>sourcehut:</c>), whose image tags select refs and commits.</summary>
    public bool IsGit => Scheme.StartsWith("git+", StringComparison.Ordinal) || Scheme == "git" || GitForges.Contains(Scheme);

    /// <summary>
    /// The repository as git itself names it (<c>file:///srv/pkgs</c>, <c>https://github.com/owner/repo</c>), for listing
    /// its refs and for images' <c>org.opencontainers.image.source</c>; null when this is no git flake.
    /// </summary>
    public string? GitUrl
    {
        get
        {
            if (!IsGit) return null;
            var (location, _) = SplitQuery(Value[(Scheme.Length + 1)..]);
            if (Scheme.StartsWith("git+", StringComparison.Ordinal)) return $"{Scheme[4..]}:{location}";
            if (Scheme == "git") return $"git:{location}";
            var path = string.Join('/', location.Split('/').Take(2));
            return Scheme switch
            {
                "github" => $"https://github.com/{path}",
                "gitlab" => $"https://gitlab.com/{path}",
                _ => $"https://git.sr.ht/{path}",
            };
        }
    }

    /// <summary>Parses <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is no flake reference; the message says why and names it.</exception>
    public static FlakeReference Parse(string value) =>
        TryParse(value, out var reference, out var problem)
            ? reference
            : throw new ArgumentException($"'{value}' is not a flake reference: {problem}", nameof(value));

    /// <summary>Parses <paramref name="value"/>; false, with the reason in <paramref name="problem"/>, when it is none.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out FlakeReference? reference, [NotNullWhen(false)] out string? problem)
    {
        reference = null;
        problem = Problem(value, out var normalized, out var scheme);
        if (problem is not null) return false;
        reference = new FlakeReference(normalized!, scheme!);
        return true;
    }

    /// <summary>
    /// This reference with its ref or commit replaced by <paramref name="gitRef"/> or <paramref name="rev"/> (what an
    /// image tag selects); unchanged when both are null or this is no git flake.
    /// </summary>
    internal string Select(string? gitRef, string? rev)
    {
        if (!IsGit || (gitRef is null && rev is null)) return Value;
        var (location, query) = SplitQuery(Value[(Scheme.Length + 1)..]);
        // A forge's ref may also be the third path segment; Nix refuses both at once.
        if (GitForges.Contains(Scheme)) location = string.Join('/', location.Split('/').Take(2));
        var parameters = query.Where(p => !p.StartsWith("ref=", StringComparison.Ordinal) && !p.StartsWith("rev=", StringComparison.Ordinal)).ToList();
        parameters.Add(rev is not null ? "rev=" + rev : "ref=" + Uri.EscapeDataString(gitRef!));
        return $"{Scheme}:{location}?{string.Join('&', parameters)}";
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static (string Location, List<string> Query) SplitQuery(string rest)
    {
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        return question < 0
            ? (rest, [])
            : (rest[..question], [.. rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)]);
    }

    private static string? Problem(string? value, out string? normalized, out string? scheme)
    {
        normalized = null;
        scheme = null;
        if (string.IsNullOrWhiteSpace(value)) return "it is empty";
        if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return "it contains white space or control characters";
        if (value.Contains('#', StringComparison.Ordinal))
            return "it names an output after '#', but the package set is the whole flake (packages.<system> and legacyPackages.<system>); remove the '#…' part";

        if (value[0] is '/' or '.')
        {
            scheme = "";
            normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(value));
            return IsFlakeDirectory(normalized) ? null : $"'{normalized}' is no directory with a flake.nix";
        }

        var match = SchemePattern().Match(value);
        if (!match.Success)
        {
            // A name in the flake registry, such as nixpkgs or nixpkgs/nixos-unstable.
            if (!RegistryNamePattern().IsMatch(value))
                return "it is neither a URL-like reference (path:, git+file:, git+https:, github:, …), nor a path, nor a flake registry name";
            scheme = "";
            normalized = value;
            return null;
        }

        scheme = match.Groups["scheme"].Value;
        var rest = match.Groups["rest"].Value;
        if (!KnownSchemes.Contains(scheme))
            return $"Nix knows no flake references of kind '{scheme}:' (use path:, git+file:, git+https:, git+ssh:, github:, gitlab:, sourcehut:, tarball+https:, …)";
        var (location, _) = SplitQuery(rest);

        switch (scheme)
        {
            case "path":
                {
                    if (location.Length == 0) return "path: names no directory";
                    var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(location));
                    if (!IsFlakeDirectory(full)) return $"'{full}' is no directory with a flake.nix";
                    normalized = "path:" + full + rest[location.Length..];
                    return null;
                }
            case "git+file":
                {
                    var path = location.StartsWith("//", StringComparison.Ordinal) ? location[2..] : location;
                    if (!Path.IsPathRooted(path)) return "git+file: needs an absolute path, e.g. git+file:///srv/packages";
                    if (!Directory.Exists(path)) return $"'{path}' is no directory";
                    normalized = value;
                    return null;
                }
            case "github" or "gitlab" or "sourcehut":
                {
                    var segments = location.Split('/');
                    if (segments.Length is < 2 or > 3 || segments.Any(s => s.Length == 0))
                        return $"{scheme}: needs owner/repository (optionally /ref-or-commit), e.g. {scheme}:NixOS/nixpkgs";
                    normalized = value;
                    return null;
                }
            default:
                if (location.Length == 0) return $"{scheme}: names nothing";
                normalized = value;
                return null;
        }
    }

    private static bool IsFlakeDirectory(string path) => File.Exists(Path.Combine(path, "flake.nix"));

    [GeneratedRegex("^(?<scheme>[a-z][a-z0-9+.-]*):(?<rest>.*)$")]
    private static partial Regex SchemePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*(/[A-Za-z0-9._/-]+)?$")]
    private static partial Regex RegistryNamePattern();
}
