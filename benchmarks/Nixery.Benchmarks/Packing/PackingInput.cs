namespace Nixery.Benchmarks.Packing;

/// <summary>The tree packed by the packing benchmarks: <c>NIXERY_BENCH_INPUT</c>, or the .NET SDK directory.</summary>
public static class PackingInput
{
    public static string Directory =>
        Environment.GetEnvironmentVariable("NIXERY_BENCH_INPUT") is { Length: > 0 } path ? path : "/usr/share/dotnet/sdk";

    /// <summary>Where each benchmark leaves its compressed size for <see cref="PackingColumns"/> to show.</summary>
    public static string ResultsDirectory
    {
        get
        {
            var path = Path.Combine(Path.GetTempPath(), "nixery-bench-results");
            System.IO.Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <summary>Bytes of regular-file content under the input (not following symlinks).</summary>
    public static long ContentBytes()
    {
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in new DirectoryInfo(Directory).EnumerateFiles("*", options)) total += file.Length;
        return total;
    }

    public static void RecordCompressedSize(string benchmark, long bytes) =>
        File.WriteAllText(Path.Combine(ResultsDirectory, benchmark + ".size"), bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static long? CompressedSize(string benchmark)
    {
        var path = Path.Combine(ResultsDirectory, benchmark + ".size");
        return File.Exists(path) ? long.Parse(File.ReadAllText(path), System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
