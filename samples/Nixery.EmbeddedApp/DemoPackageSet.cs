namespace Nixery.EmbeddedApp;

/// <summary>The repository's demo package set, used when no package source is configured.</summary>
internal static class DemoPackageSet
{
    /// <summary>Finds <c>demo/packages</c> from the program's directory or the current directory upwards.</summary>
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "demo", "packages");
                if (File.Exists(Path.Combine(candidate, "default.nix"))) return candidate;
            }
        }
        throw new InvalidOperationException(
            "No package source is configured (Registry:PackagesPath, Registry:GitRepository, NIXERY_PKGS_PATH or NIXERY_PKGS_REPO) " +
            "and the demo package set (demo/packages) was not found above the program or the current directory.");
    }
}
