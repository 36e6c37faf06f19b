using Microsoft.Extensions.Options;
using Nixery.AspNetCore.Registry;
using Nixery.Core;
using Nixery.Core.DependencyInjection;
using Nixery.Core.Nix;
using Nixery.Storage.Gcs;

namespace Nixery.Server;

/// <summary>
/// What the server and the <c>build</c> command share: the engine configured from the <c>Nixery</c> section
/// (<c>appsettings.json</c>, then the environment variables of <see cref="EnvironmentSettings"/>).
/// </summary>
public static class ServerServices
{
    /// <summary>
    /// Adds the engine with the package source (<c>Nixery:PackageSource:Repository|Channel|Path</c>, else the demo
    /// package set), the storage backend (<c>Nixery:StorageBackend</c>: <c>filesystem</c>, or <c>gcs</c> with <c>Nixery:GcsStorage</c>) and the
    /// registry's options (<c>Nixery:Registry</c>).
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is wrong; the message names it.</exception>
    public static NixeryBuilder AddNixeryServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Nixery");
        var nixery = services.AddNixery(section);
        services.Configure<NixeryRegistryOptions>(section.GetSection("Registry"));

        UsePackageSource(nixery, section.GetSection("PackageSource"));

        var backend = section["StorageBackend"] is { Length: > 0 } named ? named : "filesystem";
        switch (backend.ToLowerInvariant())
        {
            case "filesystem":
                var path = section["FileSystemStorage:Path"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : DefaultStoragePath();
                nixery.UseFileSystemStorage(path);
                break;
            case "gcs":
                // Bucket from GCS_BUCKET; credentials from GOOGLE_APPLICATION_CREDENTIALS or the metadata server;
                // STORAGE_EMULATOR_HOST points at an emulator. The host's start checks the bucket and the credentials.
                nixery.UseGcsStorage(section.GetSection("GcsStorage"));
                break;
            default:
                throw Invalid<NixeryOptions>($"Nixery:StorageBackend must be 'filesystem' or 'gcs', not '{backend}'");
        }
        return nixery;
    }

    private static void UsePackageSource(NixeryBuilder nixery, IConfigurationSection source)
    {
        var repository = source["Repository"];
        var channel = source["Channel"];
        var path = source["Path"];
        var given = new[] { ("Repository", repository), ("Channel", channel), ("Path", path) }.Where(s => !string.IsNullOrEmpty(s.Item2)).ToList();
        if (given.Count > 1)
            throw Invalid<NixeryOptions>(
                $"set only one package source, not {string.Join(" and ", given.Select(s => "Nixery:PackageSource:" + s.Item1))}");

        if (!string.IsNullOrEmpty(repository)) nixery.UseGitPackageSource(repository);
        else if (!string.IsNullOrEmpty(channel)) nixery.UseChannelPackageSource(channel, source["ChannelUrl"] is { Length: > 0 } url ? url : null);
        else if (!string.IsNullOrEmpty(path))
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(Path.Combine(full, "default.nix")) && !(File.Exists(full) && full.EndsWith(".nix", StringComparison.Ordinal)))
                throw Invalid<NixeryOptions>($"Nixery:PackageSource:Path '{full}' is not a package set (no such .nix file or directory with default.nix)");
            nixery.UsePathPackageSource(full);
        }
        else
        {
            nixery.UsePathPackageSource(DemoPackageSet());
            // The demo set is built locally from busybox; asking a binary cache for it only costs time.
            nixery.Services.Configure<NixOptions>(options =>
            {
                if (options.ExtraArguments.Count == 0) options.ExtraArguments = ["--option", "substitute", "false"];
            });
        }
    }

    private static string DefaultStoragePath()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache)) cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "nixery");
    }

    /// <summary>The repository's demo package set, found from the program's or the current directory upwards.</summary>
    private static string DemoPackageSet() =>
        Samples.DemoPackageSet.TryFind() ?? throw Invalid<NixeryOptions>(
            "no package source is configured (Nixery:PackageSource:Path, :Repository or :Channel) and the demo package set (demo/packages) was not found");

    private static OptionsValidationException Invalid<TOptions>(string message) =>
        new(Options.DefaultName, typeof(TOptions), [message]);
}
