using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Sources;
using Nixery.Core.Nix;

namespace Nixery.Core.Sources;

/// <summary>
/// A flake as the package set: a package is looked up in the flake's <c>packages.&lt;system&gt;</c>, then in its
/// <c>legacyPackages.&lt;system&gt;</c>, by the same rules as in any package set (dots, case, leading digit).
/// </summary>
/// <remarks>
/// <para>
/// For a git flake (<c>git+file:</c>, <c>git+https:</c>, <c>github:</c>, …) the image tag selects the ref or commit as
/// for a git package set: <c>latest</c> the flake as configured, a 40-digit hex tag that commit, any other tag the ref
/// <c>RefPrefix + tag</c>. For any other flake the tag selects nothing.
/// </para>
/// <para>
/// Before an image is looked up or built, <see cref="LockAsync"/> asks <c>nix flake metadata</c> what the flake is
/// now: a git flake's commit (its <c>org.opencontainers.image.revision</c>, with the commit time as the image's
/// creation time), or a local flake's content hash. The locked set is pinned, so an image of a branch is cached under
/// the commit it was built from and served by name until the branch moves; a flake whose inputs are not locked by a
/// <c>flake.lock</c> is not pinned, since its inputs may move. A commit's lock is remembered; anything else is asked
/// of Nix on every request.
/// </para>
/// <para>
/// Configured (<c>Nixery:PackageSource:Flake</c>, <c>UseFlakePackageSource</c>), a git flake also lists its refs as
/// tags, as a git package set does; any other flake has only <c>latest</c>.
/// </para>
/// </remarks>
public sealed partial class FlakePackageSource : IPackageSource, IPackageSourceLocking
{
    /// <summary>
    /// The Nix function this source renders: the flake's <c>legacyPackages</c> for the system overlaid by its
    /// <c>packages</c>, so that <c>packages</c> wins; either may be missing.
    /// </summary>
    public const string Expression = """
        { system, arguments }:
        let flake = builtins.getFlake arguments.flake;
        in (flake.legacyPackages.${system} or { }) // (flake.packages.${system} or { })
        """;

    /// <summary>What Nix 2.8 needs to evaluate <c>builtins.getFlake</c> and run <c>nix flake metadata</c>.</summary>
    public static IReadOnlyList<string> ExperimentalFeatures { get; } = ["nix-command", "flakes"];

    /// <summary>Locks of commits kept at most, so that requests for many commits cannot grow the memo without bound.</summary>
    private const int MaxRememberedLocks = 1024;

    private readonly NixCommandRunner _nix;
    private readonly ILogger<FlakePackageSource> _logger;
    private readonly ConcurrentDictionary<string, Task<PackageSetReference>> _locks = new(StringComparer.Ordinal);
    private readonly GitPackageSource? _refs;

    /// <summary>Creates a source for <paramref name="flake"/>, running Nix as <paramref name="nixOptions"/> say.</summary>
    /// <param name="flake">The flake.</param>
    /// <param name="refPrefix">For a git flake: prepended to tags that name a ref, e.g. <c>refs/tags/</c>.</param>
    /// <param name="nixOptions">How Nix is run (its bin directory, timeout and extra arguments).</param>
    /// <param name="logger">Where locks are logged.</param>
    public FlakePackageSource(FlakeReference flake, string refPrefix, IOptions<NixOptions> nixOptions, ILogger<FlakePackageSource> logger)
    {
        ArgumentNullException.ThrowIfNull(flake);
        ArgumentNullException.ThrowIfNull(refPrefix);
        ArgumentNullException.ThrowIfNull(nixOptions);
        ArgumentNullException.ThrowIfNull(logger);
        Flake = flake;
        RefPrefix = refPrefix;
        _logger = logger;
        _nix = new NixCommandRunner(nixOptions.Value, logger);
        // Listing tags is listing the repository's refs, as for a git package set.
        if (flake.GitUrl is { } url) _refs = new GitPackageSource(url, refPrefix);
    }

    /// <summary>The flake.</summary>
    public FlakeReference Flake { get; }

    /// <summary>Prepended to tags that name a ref of a git flake.</summary>
    public string RefPrefix { get; }

    /// <inheritdoc />
    public string Description => $"flake {Flake.Value}";

    /// <inheritdoc />
    public PackageSetReference Resolve(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var selection = Flake.IsGit ? GitSelection.FromTag(tag, RefPrefix) : default;
        var url = Flake.Select(selection.Ref, selection.Rev);
        return new PackageSetReference(Expression, new Dictionary<string, string> { ["flake"] = url }, $"flake {url}", IsPinned: false)
        {
            Source = Flake.GitUrl,
            Revision = selection.Rev,
            ExperimentalFeatures = ExperimentalFeatures,
        };
    }

    /// <inheritdoc />
    public async Task<PackageSetReference> LockAsync(PackageSetReference packageSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packageSet);
        if (!packageSet.Arguments.TryGetValue("flake", out var url))
            throw new ArgumentException("the package set is not one of a flake source", nameof(packageSet));

        // Concurrent requests of one flake share one call; only a commit's lock outlives it, since nothing else stays put.
        var remember = packageSet.Revision is not null;
        if (remember && _locks.Count >= MaxRememberedLocks) _locks.Clear();
        var locking = _locks.GetOrAdd(url, u => Task.Run(() => ReadLockAsync(u, CancellationToken.None), CancellationToken.None));
        _ = locking.ContinueWith(
            done => { if (!remember || !done.IsCompletedSuccessfully) _locks.TryRemove(new KeyValuePair<string, Task<PackageSetReference>>(url, done)); },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return await locking.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The source the engine uses for <paramref name="flake"/>: for a git flake one that also lists its refs as tags
    /// (<see cref="IPackageSourceTags"/>, as a git package set does), otherwise the flake source alone, which, like a
    /// path, has only <c>latest</c>.
    /// </summary>
    internal static IPackageSource Create(IServiceProvider services, FlakeReference flake, string refPrefix)
    {
        var source = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<FlakePackageSource>(services, flake, refPrefix);
        return source._refs is null ? source : new GitFlakePackageSource(source, source._refs);
    }

    private async Task<PackageSetReference> ReadLockAsync(string url, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            // Locking must not write a flake.lock into someone's working tree.
            result = await _nix.RunAsync(
                "nix",
                ["flake", "metadata", "--json", "--no-write-lock-file", "--extra-experimental-features", string.Join(' ', ExperimentalFeatures), url],
                NixFailureKind.Evaluation,
                cancellationToken).ConfigureAwait(false);
        }
        catch (NixFailureException failure) when (failure.Kind == NixFailureKind.Evaluation)
        {
            // Nix's message may name only the failing git call; say which flake (and so which ref) could not be locked.
            throw new NixFailureException(failure.Kind, failure.NixMessage, $"nix flake metadata could not lock the flake {url}");
        }

        string lockedUrl;
        string? rev = null, narHash = null, storePath = null;
        long? lastModified = null;
        var hasInputs = false;
        try
        {
            using var json = JsonDocument.Parse(result.StandardOutput);
            var root = json.RootElement;
            lockedUrl = root.GetProperty("url").GetString() ?? throw new JsonException("url is null");
            if (root.TryGetProperty("path", out var path)) storePath = path.GetString();
            if (root.TryGetProperty("locked", out var locked))
            {
                if (locked.TryGetProperty("rev", out var r)) rev = r.GetString();
                if (locked.TryGetProperty("narHash", out var h)) narHash = h.GetString();
                if (locked.TryGetProperty("lastModified", out var m) && m.TryGetInt64(out var seconds)) lastModified = seconds;
            }
            hasInputs = root.TryGetProperty("locks", out var locks)
                && locks.TryGetProperty("nodes", out var nodes)
                && nodes.EnumerateObject().Count() > 1;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new NixFailureException(NixFailureKind.Invocation, "", $"nix flake metadata printed no flake metadata for {url}: {exception.Message}");
        }

        // Inputs without a flake.lock are locked afresh by every evaluation, so the same revision may build differently.
        var inputsLocked = !hasInputs || (storePath is not null && File.Exists(Path.Combine(storePath, "flake.lock")));
        var pinned = (rev is not null || narHash is not null) && inputsLocked;
        var identity = rev is not null ? $"flake {Flake.Select(null, rev)}"
            : narHash is not null ? $"flake {Flake.Value} narHash {narHash}"
            : $"flake {lockedUrl}";
        LogLocked(_logger, url, rev ?? narHash ?? lockedUrl, pinned);
        return new PackageSetReference(Expression, new Dictionary<string, string> { ["flake"] = lockedUrl }, identity, pinned)
        {
            Source = Flake.GitUrl,
            Revision = rev,
            // Only a commit's time: a local flake's lastModified is a file's mtime, which would make images irreproducible.
            RevisionTime = rev is not null && lastModified is { } time ? DateTimeOffset.FromUnixTimeSeconds(time) : null,
            ExperimentalFeatures = ExperimentalFeatures,
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Flake {Flake} locked to {Locked} (pinned: {Pinned})")]
    private static partial void LogLocked(ILogger logger, string flake, string locked, bool pinned);
}
