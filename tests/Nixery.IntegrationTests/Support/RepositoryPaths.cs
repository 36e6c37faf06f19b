namespace Nixery.IntegrationTests.Support;

/// <summary>Paths inside this repository, found from the test assembly upwards.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string DemoPackages => Path.Combine(Root, "demo", "packages");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Nixery.slnx"))) return directory.FullName;
        throw new InvalidOperationException("the repository root (with Nixery.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
