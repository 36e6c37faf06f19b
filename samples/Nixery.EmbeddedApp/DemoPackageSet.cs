namespace Nixery.EmbeddedApp;

/// <summary>The repository's demo package set, used when no package source is configured.</summary>
internal static class DemoPackageSet
{
    /// <summary>Finds <c>demo/packages</c> (see <see cref="Samples.DemoPackageSet"/>) or says what to configure instead.</summary>
    public static string Find() =>
        Samples.DemoPackageSet.TryFind() ?? throw new InvalidOperationException(
            "No package source is configured (Registry:PackagesPath, Registry:GitRepository, NIXERY_PKGS_PATH or NIXERY_PKGS_REPO) " +
            "and the demo package set (demo/packages) was not found above the program or the current directory.");
}
