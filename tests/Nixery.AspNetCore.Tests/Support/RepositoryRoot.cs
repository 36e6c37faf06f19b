namespace Nixery.AspNetCore.Tests.Support;

/// <summary>The repository checkout the tests run from.</summary>
internal static class RepositoryRoot
{
    /// <summary>The folder holding <c>Nixery.slnx</c>, found by walking up from the test binaries.</summary>
    public static string Path { get; } = Find();

    /// <summary>The demo package set.</summary>
    public static string DemoPackages => System.IO.Path.Combine(Path, "demo", "packages");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Nixery.slnx"))) return directory.FullName;
        throw new InvalidOperationException($"no Nixery.slnx above {AppContext.BaseDirectory}");
    }
}
