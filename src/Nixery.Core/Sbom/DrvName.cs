namespace Nixery.Core.Sbom;

/// <summary>
/// A store path name split as Nix's <c>builtins.parseDrvName</c> splits it: the version starts after the first dash
/// that is followed by something other than a letter, so <c>bash-interactive-5.2-p15</c> is <c>bash-interactive</c>
/// version <c>5.2-p15</c>, and a name without such a dash has no version.
/// </summary>
/// <param name="Name">The package name.</param>
/// <param name="Version">The version, or empty.</param>
internal readonly record struct DrvName(string Name, string Version)
{
    /// <summary>Splits <paramref name="name"/> (a store path's name, without store directory and hash).</summary>
    public static DrvName Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i + 1 < name.Length; i++)
            if (name[i] == '-' && !char.IsAsciiLetter(name[i + 1]))
                return new DrvName(name[..i], name[(i + 1)..]);
        return new DrvName(name, "");
    }
}
