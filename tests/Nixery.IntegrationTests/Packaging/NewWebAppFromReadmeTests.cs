using System.Diagnostics;
using System.Text;
using Nixery.IntegrationTests.Nix;
using Nixery.RegistryBenchmark.Backends;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Packaging;

/// <summary>
/// What a new user does: the packages packed into a folder feed, a <c>dotnet new web</c> app outside the repository that
/// references Nixery.AspNetCore from it, the README's embedding snippets pasted in as they are written there, and an image
/// pulled from the running app and run with podman.
/// </summary>
public sealed class NewWebAppFromReadmeTests : IDisposable
{
    private static readonly string[] Packages = ["Nixery.Abstractions", "Nixery.Layering", "Nixery.Core", "Nixery.AspNetCore"];

    private readonly string _root = Directory.CreateTempSubdirectory("nixery-new-web-app-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: it is under the temp directory.
        }
    }

    [Fact]
    public async Task A_new_web_app_built_from_the_readme_snippets_on_the_packed_packages_serves_an_image_podman_runs()
    {
        Tools.RequireNix();
        var feed = Path.Combine(_root, "feed");
        var app = Path.Combine(_root, "app");
        foreach (var package in Packages)
            await Dotnet(RepositoryRoot.Path, "pack", Path.Combine("src", package), "--configuration", "Release", "--no-build", "--output", feed);
        var version = Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "Nixery.AspNetCore.*.nupkg").Single())["Nixery.AspNetCore.".Length..];

        await Dotnet(_root, "new", "web", "--output", app, "--name", "TeamTools");
        // The feed beside nuget.org; restored packages kept apart, so that a later run never sees stale copies of ours.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(_root, "packages")}" /></config>
              <packageSources><add key="nixery" value="{feed}" /></packageSources>
              <fallbackPackageFolders><add key="machine" value="{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")}" /></fallbackPackageFolders>
            </configuration>
            """);
        await Dotnet(app, "add", "package", "Nixery.AspNetCore", "--version", version);

        var snippets = ReadmeSnippets.Of(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "README.md")), "Embedding");
        var csharp = snippets.Where(s => s.Language == "csharp").Select(s => s.Code).ToList();
        var json = snippets.Single(s => s.Language == "json").Code;
        Assert.Equal(2, csharp.Count);
        const string addNixery = "builder.Services.AddNixery(builder.Configuration.GetSection(\"Nixery\"));\n";
        Assert.Contains(addNixery, csharp[0], StringComparison.Ordinal);

        // The choice in code, in place of the call that takes it from configuration: it must compile as written.
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), csharp[0].Replace(addNixery, csharp[1], StringComparison.Ordinal));
        await Dotnet(app, "build", "--configuration", "Release");

        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), csharp[0]);
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), json);
        await Dotnet(app, "build", "--configuration", "Release");

        var address = new Uri($"http://127.0.0.1:{StandaloneServerProcess.FreePort()}");
        var output = new StringBuilder();
        using var server = Start(Path.Combine(app, "bin", "Release", "net10.0", "TeamTools.dll"), address, output, new Dictionary<string, string>
        {
            // The snippet's git repository does not exist: the demo package set stands in for it.
            ["Nixery__PackageSource__Repository"] = "",
            ["Nixery__PackageSource__Path"] = RepositoryRoot.DemoPackages,
            ["Nixery__FileSystemStorage__Path"] = Path.Combine(_root, "storage"),
            ["Nixery__Nix__StateDirectory"] = Path.Combine(_root, "nix"),
            ["Nixery__Nix__ExtraArguments__0"] = "--option",
            ["Nixery__Nix__ExtraArguments__1"] = "substitute",
            ["Nixery__Nix__ExtraArguments__2"] = "false",
        });
        await WaitUntilServingAsync(server, address, output);
        var image = $"{address.Host}:{address.Port}/shell/hello";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--tls-verify=false", image);
            var hello = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "hello");
            Assert.Equal("Hello, world!", hello.Trim());
            using var http = new HttpClient { BaseAddress = address };
            Assert.Contains($"podman pull --tls-verify=false {address.Host}:{address.Port}/shell/hello", await http.GetStringAsync("/"), StringComparison.Ordinal);
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
            server.Kill(entireProcessTree: true);
        }
    }

    private static async Task Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }

    /// <summary>
    /// Starts the app as its user would, from its own directory: its content root is the working directory, so started
    /// from the test's it read the test's appsettings.json (a sample's, with its own <c>Urls</c>) instead of the
    /// README's. The address goes on the command line, which beats every other source of <c>urls</c>. The output is
    /// collected as it comes, so that the app never blocks on a full pipe.
    /// </summary>
    private static Process Start(string assembly, Uri address, StringBuilder output, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", address.GetLeftPart(UriPartial.Authority)])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, line) => { lock (output) output.AppendLine(line.Data); };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Waits until the app answers <c>/v2/</c>, its output kept for the message when it never does. Polling, not its log
    /// lines: what the app prints depends on logging settings the README's snippet is free to change.
    /// </summary>
    private static async Task WaitUntilServingAsync(Process server, Uri address, StringBuilder output)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/v2/");
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
        var state = server.HasExited ? $"exited with {server.ExitCode}" : "did not answer within three minutes";
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
        string seen;
        lock (output) seen = output.ToString();
        throw new Xunit.Sdk.XunitException($"the app {state}:\n{seen}");
    }
}
