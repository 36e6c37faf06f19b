using System.Globalization;
using Microsoft.Extensions.Options;
using Nixery.Core.Nix;

namespace Nixery.Server;

/// <summary>
/// The original Nixery's environment variables, as configuration keys under <c>Nixery</c>: the one place where both
/// the server and the <c>build</c> command read them. Added after <c>appsettings.json</c>, so they win over it.
/// </summary>
public static class EnvironmentSettings
{
    /// <summary>Each environment variable and the configuration key it sets.</summary>
    public static IReadOnlyList<(string Variable, string Key)> Mappings { get; } =
    [
        ("PORT", "Nixery:Port"),
        ("NIXERY_CHANNEL", "Nixery:PackageSource:Channel"),
        ("NIXERY_CHANNEL_URL", "Nixery:PackageSource:ChannelUrl"),
        ("NIXERY_PKGS_REPO", "Nixery:PackageSource:Repository"),
        ("NIXERY_PKGS_PATH", "Nixery:PackageSource:Path"),
        ("NIXERY_FLAKE", "Nixery:PackageSource:Flake"),
        ("NIXERY_STORAGE_BACKEND", "Nixery:StorageBackend"),
        ("STORAGE_PATH", "Nixery:FileSystemStorage:Path"),
        ("GCS_BUCKET", "Nixery:GcsStorage:Bucket"),
        // S3: the bucket, and AWS's own variables (which the SDK would read from the process too; named here so that
        // a wrong one is named at start). Credentials not given here come from the SDK's chain (profile, web identity, roles).
        ("S3_BUCKET", "Nixery:S3Storage:Bucket"),
        ("AWS_REGION", "Nixery:S3Storage:Region"),
        ("AWS_ENDPOINT_URL_S3", "Nixery:S3Storage:ServiceUrl"),
        ("AWS_ACCESS_KEY_ID", "Nixery:S3Storage:AccessKeyId"),
        ("AWS_SECRET_ACCESS_KEY", "Nixery:S3Storage:SecretAccessKey"),
        ("AWS_SESSION_TOKEN", "Nixery:S3Storage:SessionToken"),
        // Azure: the container, and a connection string or the account (URL or name, with a key or else
        // DefaultAzureCredential, which reads AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE itself).
        // Build coordination across replicas: a StackExchange.Redis configuration string such as "redis:6379".
        ("NIXERY_REDIS", "Nixery:Redis:Configuration"),
        ("AZURE_STORAGE_CONTAINER", "Nixery:AzureStorage:ContainerName"),
        ("AZURE_STORAGE_CONNECTION_STRING", "Nixery:AzureStorage:ConnectionString"),
        ("AZURE_STORAGE_ACCOUNT_URL", "Nixery:AzureStorage:AccountUrl"),
        ("AZURE_STORAGE_ACCOUNT", "Nixery:AzureStorage:AccountName"),
        ("AZURE_STORAGE_KEY", "Nixery:AzureStorage:AccountKey"),
        ("NIX_TIMEOUT", "Nixery:Nix:Timeout"),
        ("NIX_POPULARITY_URL", "Nixery:PopularityUrl"),
        ("NIX_CLOSURE_POPULARITY_URL", "Nixery:ClosurePopularityUrl"),
        ("NIXERY_LAYER_STRATEGY", "Nixery:LayerStrategy"),
        // Lists, separated by commas or spaces: "linux/amd64,linux/arm64", and the systems Nix may build through qemu.
        ("NIXERY_PLATFORMS", "Nixery:Platforms"),
        ("NIX_EXTRA_PLATFORMS", "Nixery:Nix:ExtraPlatforms"),
    ];

    private static readonly string[] ListKeys = ["Nixery:Platforms", "Nixery:Nix:ExtraPlatforms"];

    private static readonly string[] SourceKeys =
        ["Nixery:PackageSource:Channel", "Nixery:PackageSource:Repository", "Nixery:PackageSource:Path", "Nixery:PackageSource:Flake"];

    /// <summary>The configuration values the set environment variables stand for.</summary>
    /// <exception cref="OptionsValidationException"><c>NIX_TIMEOUT</c> is not a whole number of seconds.</exception>
    public static Dictionary<string, string?> ToConfiguration(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, key) in Mappings)
        {
            if (variable(name) is not { Length: > 0 } value) continue;
            if (SourceKeys.Contains(key))
            {
                // A package source from the environment replaces the one appsettings.json names.
                foreach (var other in SourceKeys) values.TryAdd(other, "");
            }
            if (ListKeys.Contains(key))
            {
                var items = value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < items.Length; i++) values[$"{key}:{i}"] = items[i];
                continue;
            }
            values[key] = name == "NIX_TIMEOUT" ? Seconds(value) : value;
        }
        return values;
    }

    /// <summary>
    /// <paramref name="message"/> with the environment variable named after each configuration key it mentions that
    /// an environment variable set, e.g. <c>Nixery:Nix:Timeout must be positive … (set by NIX_TIMEOUT)</c>.
    /// </summary>
    public static string Explain(string message, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(variable);
        var set = Mappings.Where(m => variable(m.Variable) is { Length: > 0 } && message.Contains(m.Key, StringComparison.Ordinal))
            .Select(m => m.Variable).ToList();
        return set.Count == 0 ? message : $"{message} (set by {string.Join(", ", set)})";
    }

    private static string Seconds(string value)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds > int.MaxValue || seconds < int.MinValue)
            throw new OptionsValidationException(Options.DefaultName, typeof(NixOptions),
                [$"NIX_TIMEOUT must be a whole number of seconds, not '{value}'"]);
        return TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
    }
}
