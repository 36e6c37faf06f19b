namespace Nixery.Core.Health;

/// <summary>Settings of the engine's health checks (<c>Nixery:Health</c>).</summary>
public sealed class NixeryHealthOptions
{
    /// <summary>
    /// Free bytes below which the disk holding the Nix store or the file-system storage makes the instance unready
    /// (default 1 GiB): a build that fills the disk fails every pull on it, so traffic is better sent elsewhere first.
    /// </summary>
    public long MinimumFreeBytes { get; set; } = 1L << 30;

    /// <summary>The directory of the Nix store whose disk is checked (default <c>/nix/store</c>).</summary>
    public string NixStoreDirectory { get; set; } = "/nix/store";

    /// <summary>How long a check of Nix or of the storage is reused before it runs again (default 10 s), so probes stay cheap.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}
