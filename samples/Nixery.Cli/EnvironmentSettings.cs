using Nixery.Core;
using Nixery.Core.DependencyInjection;
using Nixery.Core.Nix;

namespace Nixery.Cli;

/// <summary>The original Nixery's environment variables, applied to the engine's builder.</summary>
internal static class EnvironmentSettings
{
    public static void Apply(NixeryBuilder nixery, Func<string, string?> variable)
    {
        if (variable("NIXERY_PKGS_REPO") is { Length: > 0 } repository) nixery.UseGitPackageSource(repository);
        else if (variable("NIXERY_CHANNEL") is { Length: > 0 } channel) nixery.UseChannelPackageSource(channel, variable("NIXERY_CHANNEL_URL"));
        else if (variable("NIXERY_PKGS_PATH") is { Length: > 0 } path) nixery.UsePathPackageSource(Path.GetFullPath(path));
        else
        {
            nixery.UsePathPackageSource(DemoPackageSet());
            // The demo set is built locally from busybox; asking a binary cache for it only costs time.
            nixery.Services.Configure<NixOptions>(options => options.ExtraArguments = ["--option", "substitute", "false"]);
        }

        nixery.UseFileSystemStorage(variable("STORAGE_PATH") is { Length: > 0 } storage ? Path.GetFullPath(storage) : DefaultStoragePath());

        if (variable("NIX_TIMEOUT") is { Length: > 0 } timeout)
        {
            if (!int.TryParse(timeout, out var seconds) || seconds <= 0)
                throw new ArgumentException($"NIX_TIMEOUT must be a positive number of seconds, not '{timeout}'");
            nixery.Services.Configure<NixOptions>(options => options.Timeout = TimeSpan.FromSeconds(seconds));
        }
        if (variable("NIX_POPULARITY_URL") is { Length: > 0 } popularity)
            nixery.Services.Configure<NixeryOptions>(options => options.PopularityUrl = popularity);
    }

    private static string DefaultStoragePath()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache)) cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "nixery");
    }

    /// <summary>The repository's demo package set, found from the program's or the current directory upwards.</summary>
    private static string DemoPackageSet()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "demo", "packages");
                if (File.Exists(Path.Combine(candidate, "default.nix"))) return candidate;
            }
        }
        throw new ArgumentException("no package source is configured (NIXERY_PKGS_PATH, NIXERY_PKGS_REPO or NIXERY_CHANNEL) and the demo package set was not found");
    }
}
