using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Storage;
using Nixery.Core.Storage;

namespace Nixery.Core.Health;

/// <summary>
/// Enough free disk under the Nix store and, with file-system storage, under the storage directory
/// (<see cref="NixeryHealthOptions.MinimumFreeBytes"/>): the original Nixery's public instance went down when its disk filled.
/// </summary>
internal sealed class DiskSpaceHealthCheck(IOptions<NixeryHealthOptions> health, IStorageBackend backend) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var minimum = health.Value.MinimumFreeBytes;
        var directories = new List<(string What, string Path)> { ("the Nix store", health.Value.NixStoreDirectory) };
        if (backend is FileSystemStorage files) directories.Add(("the storage", files.Root));

        var data = new Dictionary<string, object>();
        var lacking = new List<string>();
        foreach (var (what, directory) in directories)
        {
            var free = FreeBytes(directory);
            if (free is null) continue;
            data[what] = free.Value;
            if (free < minimum) lacking.Add($"{what} ({directory}) has {Gib(free.Value)} free, less than the {Gib(minimum)} of Nixery:Health:MinimumFreeBytes");
        }
        return Task.FromResult(lacking.Count == 0
            ? HealthCheckResult.Healthy("enough free disk", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", lacking), data: data));
    }

    // The nearest existing directory's drive: a storage directory is created on first use.
    private static long? FreeBytes(string directory)
    {
        for (var current = Path.GetFullPath(directory); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (Directory.Exists(current)) return new DriveInfo(current).AvailableFreeSpace;
        }
        return null;
    }

    private static string Gib(long bytes) => $"{bytes / (double)(1L << 30):F1} GiB";
}
