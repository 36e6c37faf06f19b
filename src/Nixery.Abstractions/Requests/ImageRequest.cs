using System.Text.RegularExpressions;

namespace Nixery.Abstractions.Requests;

/// <summary>
/// An image name and tag turned into what to build: a sorted, de-duplicated package list and an architecture.
/// <c>git/htop</c> and <c>htop/git</c> are the same request.
/// </summary>
public sealed partial record ImageRequest
{
    /// <summary>The repository name as requested, e.g. <c>shell/git</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The tag, which selects the package-set revision for git sources (<c>latest</c> by default).</summary>
    public required string Tag { get; init; }

    /// <summary>Packages to include, sorted ordinally and without duplicates; meta-packages already expanded.</summary>
    public required IReadOnlyList<string> Packages { get; init; }

    /// <summary>The platform to build for.</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>
    /// Whether the name chose the platform (the <c>arm64</c> meta-package): such a name answers one manifest, never an
    /// index of every configured platform.
    /// </summary>
    public bool ArchitectureSelected { get; init; }

    /// <summary>
    /// Whether the image runs as the user <c>nonroot</c> (uid and gid 65532, home <c>/home/nonroot</c>): the
    /// <c>nonroot</c> meta-package at the front of the name.
    /// </summary>
    public bool NonRoot { get; init; }

    /// <summary>The default tag.</summary>
    public const string LatestTag = "latest";

    // OCI distribution spec: path components of lowercase alphanumerics joined by separators.
    // Clients refuse upper case, which is why package resolution falls back to case-insensitive names.
    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$")]
    private static partial Regex ComponentPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")]
    private static partial Regex TagPattern();

    /// <summary>True when <paramref name="tag"/> is a valid registry tag: <c>[A-Za-z0-9_][A-Za-z0-9._-]{0,127}</c>.</summary>
    public static bool IsValidTag(string tag) => tag is not null && TagPattern().IsMatch(tag);

    /// <summary>Parses a repository name such as <c>shell/git/htop</c> and a tag.</summary>
    /// <exception cref="InvalidImageNameException">The name or tag breaks the registry grammar, or names no package.</exception>
    public static ImageRequest Parse(string name, string? tag, ImageRequestOptions? options = null)
    {
        options ??= new ImageRequestOptions();
        tag = string.IsNullOrEmpty(tag) ? LatestTag : tag;
        if (string.IsNullOrEmpty(name)) throw new InvalidImageNameException(name ?? "", "the name is empty");
        if (name.Length > 255) throw new InvalidImageNameException(name, "the name is longer than 255 characters");
        if (!IsValidTag(tag)) throw new InvalidImageNameException($"{name}:{tag}", $"the tag '{tag}' is not a valid tag");

        var components = name.Split('/');
        foreach (var component in components)
        {
            if (!ComponentPattern().IsMatch(component))
                throw new InvalidImageNameException(name, component.Length == 0
                    ? "it has an empty path component"
                    : $"'{component}' is not a valid path component");
        }

        var architecture = Architecture.Amd64;
        var nonRoot = false;
        var architectureSelected = false;
        var packages = new SortedSet<string>(StringComparer.Ordinal);
        var atFront = true;
        foreach (var component in components)
        {
            // Meta-packages count only before the first ordinary package, so a real package named
            // "shell" or "arm64" later in the name is still reachable.
            if (atFront && component == "shell") { packages.UnionWith(options.ShellPackages); continue; }
            if (atFront && component == "nonroot") { nonRoot = true; continue; }
            if (atFront && component == "arm64") { architecture = Architecture.Arm64; architectureSelected = true; continue; }
            atFront = false;
            packages.Add(component);
        }
        packages.UnionWith(options.AlwaysIncludedPackages);

        return new ImageRequest { Name = name, Tag = tag, Packages = [.. packages], Architecture = architecture, ArchitectureSelected = architectureSelected, NonRoot = nonRoot };
    }
}
