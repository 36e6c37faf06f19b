using System.Globalization;

namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>
/// The demo package set plus <c>benchpayload</c>: a package holding one file of random (incompressible) bytes, so that
/// the image has one large layer to download. Random bytes make the output differ per build, which a benchmark
/// accepts; Nix builds it once per size and keeps it in the store.
/// </summary>
internal static class PayloadPackageSet
{
    public const string Package = "benchpayload";

    /// <summary>Writes the package set into <paramref name="directory"/> and returns its path.</summary>
    public static async Task<string> WriteAsync(string demoPackages, int megabytes, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var bytes = ((long)megabytes * 1_000_000).ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(directory, "default.nix"), $$"""
            { system ? builtins.currentSystem, ... }@args:
            (import {{demoPackages}} args) // {
              {{Package}} = derivation {
                name = "{{Package}}-{{megabytes}}mb";
                inherit system;
                builder = "/bin/sh";
                args = [ "-c" "set -e; mkdir -p $out/share/{{Package}}; head -c {{bytes}} /dev/urandom > $out/share/{{Package}}/payload.bin" ];
                PATH = "/usr/bin:/bin";
              };
            }
            """, cancellationToken);
        return directory;
    }

    /// <summary>The repository's demo package set, from the program's or the current directory upwards.</summary>
    public static string FindDemoPackages()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "demo", "packages");
                if (File.Exists(Path.Combine(candidate, "default.nix"))) return candidate;
            }
        }
        throw new InvalidOperationException("demo/packages was not found above the program or the current directory: run from a checkout");
    }
}
