namespace Nixery.Samples;

/// <summary>
/// The repository's demo package set (<c>demo/packages</c>), which the samples build from when no package source is
/// configured. Compiled into each sample (linked), since it is a convention of this repository, not of the library.
/// </summary>
internal static class DemoPackageSet
{
    /// <summary>Finds <c>demo/packages</c> from the program's directory or the current directory upwards; null when absent.</summary>
    public static string? TryFind()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "demo", "packages");
                if (File.Exists(Path.Combine(candidate, "default.nix"))) return candidate;
            }
        }
        return null;
    }
}
