using System.Diagnostics;
using Microsoft.Extensions.Options;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// A wrong setting stops the standalone server at start with an <see cref="OptionsValidationException"/> whose
/// message names the setting, whether it came from appsettings-style configuration or an environment variable.
/// </summary>
public sealed class ServerStartupValidationTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-validation-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    public static TheoryData<string, string, string> WrongSettings => new()
    {
        // kind ("env" NAME=VALUE or "arg" --Key=Value), the setting, what the message must say
        { "arg", "--Nixery:LayerBudget=200", "Nixery:LayerBudget must be between 1 and 124" },
        { "arg", "--Nixery:MaxConcurrentBuilds=0", "Nixery:MaxConcurrentBuilds must be at least 1" },
        { "arg", "--Nixery:MaxQueuedBuilds=-1", "Nixery:MaxQueuedBuilds must be zero or more" },
        { "arg", "--Nixery:Images:WorkingDir=srv", "Nixery:Images:WorkingDir must be an absolute path, not 'srv'" },
        { "arg", "--Nixery:Platforms:0=linux/riscv64", "Nixery:Platforms:0 'linux/riscv64' is not a platform Nixery builds for" },
        { "arg", "--Nixery:Nix:ExtraPlatforms:0=aarch64-linux i686-linux", "Nixery:Nix:ExtraPlatforms must be Nix systems without spaces" },
        { "arg", "--Nixery:Packing:CompressionLevel=12", "Nixery:Packing:CompressionLevel must be between 1 and 9" },
        { "arg", "--Nixery:Registry:RecentBuildLifetime=-00:00:01", "Nixery:Registry:RecentBuildLifetime must be zero (off) or positive" },
        { "arg", "--Nixery:Registry:MaxTagsPerPage=0", "Nixery:Registry:MaxTagsPerPage must be at least 1, not 0" },
        { "env", "NIXERY_PLATFORMS=linux/amd64,linux/riscv64", "Nixery:Platforms:1 'linux/riscv64' is not a platform Nixery builds for" },
        { "env", "NIX_TIMEOUT=0", "Nixery:Nix:Timeout must be positive" },
        { "env", "NIX_TIMEOUT=-5", "Nixery:Nix:Timeout must be positive" },
        { "env", "NIX_TIMEOUT=soon", "NIX_TIMEOUT must be a whole number of seconds, not 'soon'" },
        { "env", "NIXERY_PKGS_PATH=/nonexistent/nixery-packages", "Nixery:PackageSource:Path '/nonexistent/nixery-packages' is not a package set" },
        { "env", "NIXERY_FLAKE=gihtub:NixOS/nixpkgs", "Nixery:PackageSource:Flake 'gihtub:NixOS/nixpkgs' is not a flake reference" },
        { "env", "NIXERY_FLAKE=path:/nonexistent/nixery-flake", "Nixery:PackageSource:Flake 'path:/nonexistent/nixery-flake' is not a flake reference: '/nonexistent/nixery-flake' is no directory with a flake.nix" },
        { "env", "NIXERY_STORAGE_BACKEND=gcs", "GcsStorage:Bucket is required" },
        { "env", "NIXERY_STORAGE_BACKEND=s3", "S3Storage:Bucket is required" },
        { "env", "NIXERY_STORAGE_BACKEND=azure", "AzureStorage:ContainerName is required" },
        { "env", "PORT=http", "Nixery:Port must be a TCP port number" },
        { "env", "NIXERY_REDIS=password=secret", "Nixery:Redis:Configuration names no server" },
        { "env", "NIXERY_REDIS=127.0.0.1:6379,connectTimeout=soon", "Nixery:Redis:Configuration is not a StackExchange.Redis configuration" },
        { "env", "NIX_POPULARITY_URL=/nonexistent/popularity.json", "Nixery:PopularityUrl must be an http(s) URL or an existing file" },
        { "env", "NIX_CLOSURE_POPULARITY_URL=/nonexistent/closures.json", "Nixery:ClosurePopularityUrl must be an http(s) URL or an existing file" },
        { "env", "NIXERY_LAYER_STRATEGY=no-such-strategy", "Nixery:LayerStrategy names no registered layering strategy: 'no-such-strategy'" },
    };

    [Theory]
    [MemberData(nameof(WrongSettings))]
    public async Task A_wrong_setting_stops_the_start_with_a_message_naming_it(string kind, string setting, string expected)
    {
        var environment = new Dictionary<string, string> { ["STORAGE_PATH"] = Path.Combine(_scratch, "storage") };
        string[] arguments = [];
        if (kind == "env")
        {
            var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            environment[name] = value;
        }
        else
        {
            arguments = [setting];
        }

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await StandaloneServer.StartAsync(environment, arguments);
        });

        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public async Task A_storage_path_that_cannot_be_created_stops_the_start_naming_storage()
    {
        var file = Path.Combine(_scratch, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var environment = new Dictionary<string, string> { ["STORAGE_PATH"] = Path.Combine(file, "storage") };

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await StandaloneServer.StartAsync(environment);
        });

        Assert.Contains($"Nixery:FileSystemStorage:Path '{Path.Combine(file, "storage")}' cannot be created", failure.Message);
    }

    [Fact]
    public async Task The_server_program_exits_78_naming_the_setting_and_the_environment_variable_that_set_it()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nixery.dll"));
        start.Environment["NIX_TIMEOUT"] = "0";
        start.Environment["PORT"] = "0";
        start.Environment["STORAGE_PATH"] = Path.Combine(_scratch, "storage");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(78, process.ExitCode);
        Assert.Contains("nixery: Nixery:Nix:Timeout must be positive", await error);
        Assert.Contains("(set by NIX_TIMEOUT)", await error);
    }
}
