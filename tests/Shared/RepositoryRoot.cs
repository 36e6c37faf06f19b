namespace Nixery.Testing;

/// <summary>Finds the checkout the tests run from, so they can use <c>demo/packages</c>. Linked into each test project.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string DemoPackages => System.IO.Path.Combine(Path, "demo", "packages");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Nixery.slnx"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no Nixery.slnx above {AppContext.BaseDirectory}: run the tests from a checkout");
    }
}
