using System.Diagnostics;

namespace Nixery.Testing;

/// <summary>Runs the real command-line tools the tests use; a missing tool fails the test with a message, never skips it. Linked into each test project that needs it.</summary>
internal static class ExternalTool
{
    /// <summary>The podman configuration these machines need (runc, cgroupfs, lowered ulimits).</summary>
    public static string ContainersConf => Path.Combine(AppContext.BaseDirectory, "containers.conf");

    public static void Require(string tool)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(directory => File.Exists(Path.Combine(directory, tool)));
        Assert.True(found, $"'{tool}' is not installed: run scripts/install-dependencies (Debian package names are in it)");
    }

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(string tool, params string[] arguments) =>
        RunAsync(new Dictionary<string, string>(), tool, arguments);

    /// <summary>Runs a tool with more environment variables, e.g. <c>CONTAINERS_STORAGE_CONF</c> for a podman store of its own.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        IReadOnlyDictionary<string, string> environment, string tool, params string[] arguments)
    {
        Require(tool);
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["CONTAINERS_CONF"] = ContainersConf;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs a tool and returns its standard output, failing the test with its error output if it fails.</summary>
    public static Task<string> RunCheckedAsync(string tool, params string[] arguments) =>
        RunCheckedAsync(new Dictionary<string, string>(), tool, arguments);

    /// <summary>As <see cref="RunCheckedAsync(string, string[])"/>, with more environment variables.</summary>
    public static async Task<string> RunCheckedAsync(IReadOnlyDictionary<string, string> environment, string tool, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(environment, tool, arguments);
        Assert.True(exitCode == 0, $"{tool} {string.Join(' ', arguments)} exited with {exitCode}: {error}{output}");
        return output;
    }
}
