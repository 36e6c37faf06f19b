using Microsoft.Extensions.Options;
using Nixery.Core;
using Nixery.Core.Nix;

namespace Nixery.Server;

/// <summary>
/// What the server and the <c>build</c> command share: the engine configured from the <c>Nixery</c> section
/// (<c>appsettings.json</c>, then the environment variables of <see cref="EnvironmentSettings"/>).
/// </summary>
public static class ServerServices
{
    /// <summary>
    /// Adds the engine with the package source of <c>Nixery:PackageSource:Repository|Channel|Path|Flake</c> (else the demo
    /// package set), the storage backend of <c>Nixery:StorageBackend</c> (<c>filesystem</c>, <c>gcs</c> with
    /// <c>Nixery:GcsStorage</c>, <c>s3</c> with <c>Nixery:S3Storage</c>, or <c>azure</c> with <c>Nixery:AzureStorage</c>), builds
    /// coordinated across replicas by Redis when <c>Nixery:Redis:Configuration</c> is set, and the rest of the
    /// <c>Nixery</c> section. The engine checks the settings at start.
    /// </summary>
    /// <exception cref="OptionsValidationException">The storage backend is unknown, or the demo package set is needed and missing.</exception>
    public static INixeryBuilder AddNixeryServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Nixery");
        var nixery = services.AddNixery(section);

        if (!new[] { "Repository", "Channel", "Path", "Flake" }.Any(key => !string.IsNullOrEmpty(section["PackageSource:" + key])))
        {
            nixery.UsePathPackageSource(DemoPackageSet());
            // The demo set is built locally from busybox; asking a binary cache for it only costs time.
            services.Configure<NixOptions>(options =>
            {
                if (options.ExtraArguments.Count == 0) options.ExtraArguments = ["--option", "substitute", "false"];
            });
        }

        var backend = section["StorageBackend"] is { Length: > 0 } named ? named : "filesystem";
        switch (backend.ToLowerInvariant())
        {
            case "filesystem":
                nixery.UseFileSystemStorage(section["FileSystemStorage:Path"] is { Length: > 0 } path ? path : DefaultStoragePath());
                break;
            case "gcs":
                // Bucket from GCS_BUCKET; credentials from GOOGLE_APPLICATION_CREDENTIALS or the metadata server;
                // STORAGE_EMULATOR_HOST points at an emulator. The host's start checks the bucket and the credentials.
                nixery.UseGcsStorage(section.GetSection("GcsStorage"));
                break;
            case "s3":
                // Bucket from S3_BUCKET; AWS_REGION, AWS_ENDPOINT_URL_S3 (an S3-compatible store, path style) and
                // AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the SDK's credential chain. The start checks bucket and a write.
                nixery.UseS3Storage(section.GetSection("S3Storage"));
                break;
            case "azure":
                // Container from AZURE_STORAGE_CONTAINER; AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL
                // (or AZURE_STORAGE_ACCOUNT) with AZURE_STORAGE_KEY or else DefaultAzureCredential. The start checks a write.
                nixery.UseAzureBlobStorage(section.GetSection("AzureStorage"));
                break;
            default:
                throw Invalid<NixeryOptions>($"Nixery:StorageBackend must be 'filesystem', 'gcs', 's3' or 'azure', not '{backend}'");
        }

        // Replicas on one store: one build per image in the cluster (NIXERY_REDIS or Nixery:Redis:Configuration).
        if (!string.IsNullOrEmpty(section["Redis:Configuration"])) nixery.UseRedisBuildCoordination(section.GetSection("Redis"));
        return nixery;
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
            "no package source is configured (Nixery:PackageSource:Path, :Repository, :Channel or :Flake) and the demo package set (demo/packages) was not found");

    private static OptionsValidationException Invalid<TOptions>(string message) =>
        new(Options.DefaultName, typeof(TOptions), [message]);
}
