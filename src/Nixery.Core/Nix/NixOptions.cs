namespace Nixery.Core.Nix;

/// <summary>How Nix is run.</summary>
public sealed class NixOptions
{
    /// <summary>
    /// The longest any single Nix call may take before it is killed (default 60 seconds;
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit).
    /// </summary>
    /// <remarks>The standalone server maps the <c>NIX_TIMEOUT</c> environment variable (seconds) onto this.</remarks>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Where the Nix expression is written and per-build GC roots live (default <c>&lt;temp&gt;/nixery</c>).
    /// Must be on a filesystem Nix can read; roots here keep store paths alive while their layers are packed.
    /// </summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "nixery");

    /// <summary>
    /// The directory holding <c>nix-instantiate</c>, <c>nix-store</c> and <c>nix</c>; null searches <c>PATH</c>.
    /// </summary>
    public string? NixBinDirectory { get; set; }

    /// <summary>
    /// Arguments appended to every Nix call, e.g. <c>--option substitute false</c> on a machine without a binary cache.
    /// </summary>
    public IList<string> ExtraArguments { get; set; } = [];

    /// <summary>How much of a Nix call's standard error is kept for error reports (the end is kept; default 64 KiB).</summary>
    public int MaxErrorOutputLength { get; set; } = 64 * 1024;
}
