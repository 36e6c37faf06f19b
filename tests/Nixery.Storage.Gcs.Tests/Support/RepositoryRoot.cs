namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>The checkout the tests run from, and the shared data beside it.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string DemoPackages => System.IO.Path.Combine(Path, "demo", "packages");

    /// <summary>Google's published conformance data (<c>../shared/data/gcs-conformance</c>).</summary>
    public static string Conformance
    {
        get
        {
            var directory = System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, "..", "shared", "data", "gcs-conformance"));
            Assert.True(Directory.Exists(directory), $"the GCS conformance data is missing: expected {directory} (see ../shared/data/README.md)");
            return directory;
        }
    }

    public static string EmulatorDirectory => System.IO.Path.Combine(Path, "tests", "Nixery.Storage.Gcs.Tests", "emulator");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Nixery.slnx"))) return directory.FullName;
        throw new InvalidOperationException($"no Nixery.slnx above {AppContext.BaseDirectory}");
    }
}
