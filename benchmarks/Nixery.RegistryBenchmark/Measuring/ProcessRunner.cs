using System.Diagnostics;

namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>Runs the command-line tools of the benchmark; a missing tool is an error that says how to install it.</summary>
internal static class ProcessRunner
{
    /// <summary>Debian packages of the tools, for the error message.</summary>
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["wrk"] = "wrk",
        ["docker-registry"] = "docker-registry",
        ["skopeo"] = "skopeo",
        ["nix-build"] = "nix-bin",
    };

    public static string Require(string tool)
    {
        if (tool.Contains('/')) return tool;
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"The serving benchmark needs '{tool}': apt-get install -y {Packages.GetValueOrDefault(tool, tool)}");
    }

    public static ProcessStartInfo StartInfo(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Runs a tool to its end and returns its standard output; throws with its error output if it fails.</summary>
    public static async Task<string> RunCheckedAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = StartInfo(tool, arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await error}{await output}");
        return await output;
    }
}
