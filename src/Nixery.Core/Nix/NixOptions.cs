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
    /// The longest a whole image build may take in Nix, all its calls together (default 5 minutes;
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit); past it, Nix is killed and the pull gets a
    /// timeout error, while <see cref="Timeout"/> still bounds each call.
    /// </summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Binary caches Nix substitutes from, in order (Nix's <c>substituters</c>, e.g. <c>https://cache.nixos.org</c> or a
    /// shared cache of your own such as <c>s3://my-nix-cache</c> or <c>file:///mnt/cache</c>); empty keeps Nix's own setting.
    /// Substituting needs the caches' keys in <see cref="TrustedPublicKeys"/> (or unsigned caches allowed by Nix).
    /// </summary>
    public IList<string> Substituters { get; set; } = [];

    /// <summary>Public keys whose signatures Nix accepts on substituted paths (Nix's <c>trusted-public-keys</c>); empty keeps Nix's own.</summary>
    public IList<string> TrustedPublicKeys { get; set; } = [];

    /// <summary>
    /// Remote builders, in Nix's <c>builders</c> syntax (e.g. <c>ssh-ng://builder@arm64.example aarch64-linux</c>, or
    /// <c>@/etc/nix/machines</c>); null keeps Nix's own setting.
    /// </summary>
    public string? Builders { get; set; }

    /// <summary>
    /// Systems this machine builds for besides its own (Nix's <c>extra-platforms</c>, e.g. <c>aarch64-linux</c> on an
    /// amd64 host whose binfmt_misc runs arm64 programs through qemu-user-static), so that
    /// <c>Nixery:Platforms</c> can list them without remote builders; empty keeps Nix's own setting.
    /// </summary>
    public IList<string> ExtraPlatforms { get; set; } = [];

    /// <summary>
    /// Where the Nix expression is written and per-build GC roots live (default <c>&lt;temp&gt;/nixery</c>).
    /// Must be on a filesystem Nix can read; roots here keep store paths alive while their layers are packed.
    /// </summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "nixery");

    /// <summary>
    /// The directory holding <c>nix-instantiate</c>, <c>nix-store</c> and <c>nix</c>; null searches <c>PATH</c>.
    /// </summary>
    public string? NixBinDirectory { get; set; }

    /// <summary>What to start for the Nix command <paramref name="command"/>: under <see cref="NixBinDirectory"/>, else its name, found on <c>PATH</c>.</summary>
    internal string FileNameOf(string command) => NixBinDirectory is { Length: > 0 } bin ? Path.Combine(bin, command) : command;

    /// <summary>
    /// Realise closures and read them through <c>nix-daemon --stdio</c>, Nix's worker protocol on a process that stays
    /// (one per build running at once), so that a build starts one Nix process (the evaluation) instead of three
    /// (default true). False runs <c>nix-store --realise</c> and <c>nix path-info</c> for every build, as before; a
    /// daemon that cannot be started turns it off with a warning.
    /// </summary>
    public bool UseDaemon { get; set; } = true;

    /// <summary>
    /// Arguments appended to every Nix call after those of the settings above, e.g. <c>--option substitute false</c> on a
    /// machine without a binary cache.
    /// </summary>
    public IList<string> ExtraArguments { get; set; } = [];

    /// <summary>How much of a Nix call's standard error is kept for error reports (the end is kept; default 64 KiB).</summary>
    public int MaxErrorOutputLength { get; set; } = 64 * 1024;
}
