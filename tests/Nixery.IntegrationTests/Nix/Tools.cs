using Nixery.Testing;
using System.Diagnostics;

namespace Nixery.IntegrationTests.Nix;

/// <summary>Runs helper programs for test setup and fails loudly when a required tool is missing.</summary>
internal static class Tools
{
    /// <summary>Fails (never skips) when Nix or busybox is missing, saying how to install them.</summary>
    public static void RequireNix()
    {
        try
        {
            Run("nix-instantiate", ["--version"]);
            Run("nix", ["--version"]);
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException(
                "These tests need Nix (nix-instantiate, nix-store, nix) on PATH: apt-get install -y nix-bin. " + exception.Message,
                exception);
        }
        if (!File.Exists("/bin/busybox"))
            throw new InvalidOperationException("The demo package set needs /bin/busybox: apt-get install -y busybox-static.");
    }

    /// <summary>Fails when git is missing.</summary>
    public static void RequireGit()
    {
        try
        {
            Run("git", ["--version"]);
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException("These tests need git on PATH: apt-get install -y git. " + exception.Message, exception);
        }
    }

    /// <summary>Runs a program and returns its trimmed standard output; throws when it fails.</summary>
    public static string Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', startInfo.ArgumentList)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result.Trim();
    }

    /// <summary>Runs git in <paramref name="directory"/> as the tests' committer; its trimmed output.</summary>
    public static string Git(string directory, params string[] arguments) =>
        Run("git", ["-c", "user.name=Nixery tests", "-c", "user.email=tests@nixery.invalid", .. arguments], directory);

    /// <summary>A git repository at <paramref name="work"/> whose branch <c>main</c> has one commit of the demo package set; that commit.</summary>
    public static string CommitDemoPackages(string work)
    {
        CopyDirectory(RepositoryRoot.DemoPackages, work);
        Git(work, "init", "-q", "-b", "main");
        Git(work, "add", ".");
        Git(work, "commit", "-q", "-m", "demo packages");
        return Git(work, "rev-parse", "HEAD");
    }

    /// <summary>Copies a directory tree (files and directories only).</summary>
    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, System.IO.Path.Combine(destination, System.IO.Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(source))
            CopyDirectory(directory, System.IO.Path.Combine(destination, System.IO.Path.GetFileName(directory)));
    }
}
