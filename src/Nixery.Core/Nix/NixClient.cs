using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;

namespace Nixery.Core.Nix;

/// <summary>
/// Runs Nix in three steps per image: evaluate (<c>nix-instantiate</c> on the embedded <c>resolve.nix</c>), realise
/// with GC roots, and read the closure. The last two go to a <c>nix-daemon --stdio</c> that stays (Nix's worker
/// protocol), so an image costs one Nix process; with <see cref="NixOptions.UseDaemon"/> off, or no daemon to start,
/// they are <c>nix-store --realise</c> and <c>nix path-info --recursive</c>. Nothing beyond the requested packages is
/// built: no helper derivations per image.
/// </summary>
public sealed partial class NixClient : INixClient, IAsyncDisposable
{
    private readonly NixOptions _options;
    private readonly ILogger<NixClient> _logger;
    private readonly NixCommandRunner _nix;
    private readonly NixDaemonPool _daemons;
    private int _sweptStaleRoots;
    private int _daemonUnavailable;

    /// <summary>Creates a client.</summary>
    public NixClient(IOptions<NixOptions> options, ILogger<NixClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        if (_options.Timeout <= TimeSpan.Zero && _options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(options), _options.Timeout, "NixOptions.Timeout must be positive (or infinite)");
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.StateDirectory, nameof(options));
        _nix = new NixCommandRunner(_options, logger);
        _daemons = new NixDaemonPool(_options);
    }

    /// <summary>Stops the daemons this client started.</summary>
    public ValueTask DisposeAsync() => _daemons.DisposeAsync();

    /// <inheritdoc />
    public async Task<NixBuildOutcome> BuildAsync(
        ImageRequest request, PackageSetReference packageSet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(packageSet);

        // The whole build is bounded as well as each call: three calls just under their timeout would add up.
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.BuildTimeout != System.Threading.Timeout.InfiniteTimeSpan) whole.CancelAfter(_options.BuildTimeout);
        try
        {
            return await BuildWithinAsync(request, packageSet, whole.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (whole.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogBuildTimedOut(_logger, request.Name, _options.BuildTimeout.TotalSeconds);
            throw new NixFailureException(NixFailureKind.Timeout, "",
                $"building {request.Name} took longer than Nixery:Nix:BuildTimeout ({_options.BuildTimeout.TotalSeconds:0.###} s) and Nix was stopped");
        }
    }

    private async Task<NixBuildOutcome> BuildWithinAsync(ImageRequest request, PackageSetReference packageSet, CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(request, packageSet, cancellationToken).ConfigureAwait(false);
        if (resolved.NotFound.Count > 0)
        {
            LogPackagesNotFound(_logger, packageSet.Identity, resolved.NotFound);
            return new PackagesMissing(new PackagesNotFound(resolved.NotFound));
        }

        var lease = CreateRootLease();
        try
        {
            var topLevel = resolved.Packages.Select(p => p.OutputPath).Distinct(StringComparer.Ordinal).ToList();
            if (topLevel.Count == 0) return new RealisedClosure(new RuntimeGraph([], []), lease);

            var paths = await RealiseThroughDaemonAsync(resolved.Packages, topLevel, lease.Directory, cancellationToken).ConfigureAwait(false);
            if (paths is null)
            {
                await RealiseAsync(resolved.Packages, lease.Directory, cancellationToken).ConfigureAwait(false);
                paths = await QueryClosureAsync(topLevel, cancellationToken).ConfigureAwait(false);
            }
            var graph = new RuntimeGraph(paths, topLevel);
            LogRealised(_logger, packageSet.Identity, request.Packages.Count, paths.Count, graph.TotalNarSize);
            return new RealisedClosure(graph, lease);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Step 1: evaluates the package names; writes the .drv files (read-write mode) for the found ones.</summary>
    private async Task<ResolveOutput> ResolveAsync(
        ImageRequest request, PackageSetReference packageSet, CancellationToken cancellationToken)
    {
        var expression = await NixExpression.EnsureWrittenAsync(_options.StateDirectory, cancellationToken).ConfigureAwait(false);
        var arguments = new ResolveArguments(packageSet.Arguments, request.Architecture.NixSystem, request.Packages);
        var json = JsonSerializer.Serialize(arguments, NixJsonContext.Default.ResolveArguments);

        // The source's expression goes in as Nix (--arg), everything that came from configuration or the request as JSON.
        List<string> evaluation = ["--eval", "--strict", "--json", "--read-write-mode", expression, "--arg", "packageSet", packageSet.Expression, "--argstr", "argsJson", json];
        // Only the evaluation reads the expression, so only it is given the features the set needs (flakes).
        if (packageSet.ExperimentalFeatures.Count > 0)
            evaluation.AddRange(["--extra-experimental-features", string.Join(' ', packageSet.ExperimentalFeatures)]);
        var result = await _nix.RunAsync(
            "nix-instantiate",
            evaluation,
            NixFailureKind.Evaluation,
            cancellationToken).ConfigureAwait(false);

        var output = Parse(result, NixJsonContext.Default.ResolveOutput, "nix-instantiate");
        if (output.NotFound is null || output.Packages is null)
            throw new NixFailureException(NixFailureKind.Invocation, "", "resolve.nix returned JSON without notFound or packages");
        return output;
    }

    /// <summary>Step 2: builds (or finds) the outputs and registers indirect GC roots for them in the lease directory.</summary>
    private async Task RealiseAsync(IReadOnlyList<ResolvedPackage> packages, string rootDirectory, CancellationToken cancellationToken)
    {
        // With several paths, Nix 2.8 numbers the roots (result, result-2, ...); they are all indirect roots
        // registered under gcroots/auto, so deleting the directory is all it takes to release them.
        List<string> arguments = ["--realise"];
        arguments.AddRange(packages.Select(p => $"{p.DrvPath}!{p.OutputName}").Distinct(StringComparer.Ordinal));
        arguments.AddRange(["--add-root", Path.Combine(rootDirectory, "result")]);
        await _nix.RunAsync("nix-store", arguments, NixFailureKind.Build, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Steps 2 and 3 on a <c>nix-daemon --stdio</c> connection (<see cref="NixOptions.UseDaemon"/>): roots registered for
    /// the outputs, the outputs built or substituted, the closure read level by level. Null when the daemon cannot be
    /// used (then the processes do it); Nix's errors and timeouts are reported as the processes' would be.
    /// </summary>
    private async Task<IReadOnlyList<StorePath>?> RealiseThroughDaemonAsync(
        IReadOnlyList<ResolvedPackage> packages, IReadOnlyList<string> topLevel, string rootDirectory, CancellationToken cancellationToken)
    {
        if (!_options.UseDaemon || Volatile.Read(ref _daemonUnavailable) != 0) return null;
        NixDaemonConnection connection;
        try
        {
            connection = await _daemons.RentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or IOException && !cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _daemonUnavailable, 1) == 0) LogDaemonUnavailable(_logger, exception);
            return null;
        }

        using var activity = NixeryDiagnostics.ActivitySource.StartActivity("nix-daemon realise and closure", ActivityKind.Internal);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.Timeout != System.Threading.Timeout.InfiniteTimeSpan) call.CancelAfter(_options.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Rooted before they exist, so that nothing Nix builds here is collectable for a moment.
            for (var i = 0; i < topLevel.Count; i++)
            {
                var link = Path.Combine(rootDirectory, i == 0 ? "result" : $"result-{i + 1}");
                File.CreateSymbolicLink(link, topLevel[i]);
                await connection.AddIndirectRootAsync(link, call.Token).ConfigureAwait(false);
            }
            await connection.BuildAsync([.. packages.Select(p => $"{p.DrvPath}!{p.OutputName}").Distinct(StringComparer.Ordinal)], call.Token).ConfigureAwait(false);
            var closure = await QueryClosureAsync(connection, topLevel, call.Token).ConfigureAwait(false);
            _daemons.Release(connection);
            LogDaemonCall(_logger, closure.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return closure;
        }
        catch (NixDaemonException failure)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            activity?.SetStatus(ActivityStatusCode.Error, "build failed");
            var message = AnsiEscapes().Replace(failure.Message, "");
            LogDaemonBuildFailed(_logger, message);
            throw new NixFailureException(NixFailureKind.Build, "error: " + message, "nix-store --realise (through nix-daemon) failed");
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception) when (call.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            throw new NixFailureException(NixFailureKind.Timeout, "",
                $"nix-store --realise (through nix-daemon) took longer than {_options.Timeout.TotalSeconds:0.###} s and was killed");
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException)
        {
            // The daemon went away or spoke something unexpected: this build falls back to the processes.
            await connection.DisposeAsync().ConfigureAwait(false);
            LogDaemonFailed(_logger, exception);
            return null;
        }
    }

    /// <summary>The closure of <paramref name="topLevel"/>, asked of the daemon a level at a time (each level in one write).</summary>
    private static async Task<IReadOnlyList<StorePath>> QueryClosureAsync(NixDaemonConnection connection, IReadOnlyList<string> topLevel, CancellationToken cancellationToken)
    {
        var paths = new List<StorePath>();
        var seen = new HashSet<string>(topLevel, StringComparer.Ordinal);
        var level = topLevel.ToList();
        while (level.Count > 0)
        {
            var infos = await connection.QueryPathInfosAsync(level, cancellationToken).ConfigureAwait(false);
            var next = new List<string>();
            for (var i = 0; i < level.Count; i++)
            {
                var info = infos[i] ?? throw new NixFailureException(NixFailureKind.Invocation, "", $"nix-daemon reported '{level[i]}' as not valid after realising it");
                paths.Add(new StorePath(level[i], info.NarSize, info.References));
                foreach (var reference in info.References)
                    if (seen.Add(reference)) next.Add(reference);
            }
            level = next;
        }
        return paths;
    }

    /// <summary>Step 3: every path of the closure with its NAR size and references, in one call.</summary>
    private async Task<IReadOnlyList<StorePath>> QueryClosureAsync(IReadOnlyList<string> topLevel, CancellationToken cancellationToken)
    {
        List<string> arguments = ["path-info", "--json", "--recursive", "--extra-experimental-features", "nix-command"];
        arguments.AddRange(topLevel);
        var result = await _nix.RunAsync("nix", arguments, NixFailureKind.Invocation, cancellationToken).ConfigureAwait(false);
        var infos = Parse(result, NixJsonContext.Default.ListPathInfo, "nix path-info");

        var paths = new List<StorePath>(infos.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in infos)
        {
            if (info.Valid == false || string.IsNullOrEmpty(info.Path))
                throw new NixFailureException(NixFailureKind.Invocation, "", $"nix path-info reported an invalid path '{info.Path}'");
            if (seen.Add(info.Path)) paths.Add(new StorePath(info.Path, info.NarSize, info.References ?? []));
        }

        // A closure must be closed; anything else means we misread Nix.
        var missing = topLevel.Concat(paths.SelectMany(p => p.References)).FirstOrDefault(p => !seen.Contains(p));
        if (missing is not null)
            throw new NixFailureException(NixFailureKind.Invocation, "", $"nix path-info did not report '{missing}'");
        return paths;
    }

    private static T Parse<T>(ProcessResult result, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string command)
    {
        try
        {
            return JsonSerializer.Deserialize(result.StandardOutput, type)
                ?? throw new JsonException("null");
        }
        catch (JsonException exception)
        {
            var start = result.StandardOutput.Length > 200 ? result.StandardOutput[..200] + "…" : result.StandardOutput;
            throw new NixFailureException(NixFailureKind.Invocation, NixErrorText.Extract(result.StandardError, includeLog: false),
                $"{command} printed output that is not the expected JSON ({exception.Message}): {start}");
        }
    }

    /// <summary>A fresh root directory for one build, named after this process so stale ones can be recognised.</summary>
    private GcRootLease CreateRootLease()
    {
        var rootsDirectory = Path.Combine(Path.GetFullPath(_options.StateDirectory), "gcroots");
        if (Interlocked.Exchange(ref _sweptStaleRoots, 1) == 0) SweepStaleRoots(rootsDirectory);
        var directory = Path.Combine(rootsDirectory, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return new GcRootLease(directory);
    }

    /// <summary>Deletes root directories left by processes that no longer run (a crash skips their leases' disposal).</summary>
    private void SweepStaleRoots(string rootsDirectory)
    {
        if (!Directory.Exists(rootsDirectory)) return;
        foreach (var directory in Directory.EnumerateDirectories(rootsDirectory))
        {
            var name = Path.GetFileName(directory);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), out var pid) || IsRunning(pid)) continue;
            try
            {
                Directory.Delete(directory, recursive: true);
                LogStaleRootsDeleted(_logger, directory);
            }
            catch (IOException)
            {
                // Another instance sweeping at the same time; either way it goes.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building {Image} took longer than the build timeout of {TimeoutSeconds} s; Nix was stopped")]
    private static partial void LogBuildTimedOut(ILogger logger, string image, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Packages not found in {PackageSet}: {MissingPackages}")]
    private static partial void LogPackagesNotFound(ILogger logger, string packageSet, IReadOnlyList<string> missingPackages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Realised {PackageCount} packages from {PackageSet}: {PathCount} store paths, {NarSize} bytes")]
    private static partial void LogRealised(ILogger logger, string packageSet, int packageCount, int pathCount, long narSize);

    [LoggerMessage(Level = LogLevel.Debug, Message = "nix-daemon realised and read a closure of {PathCount} paths in {DurationMs:0} ms")]
    private static partial void LogDaemonCall(ILogger logger, int pathCount, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nix failed to build through nix-daemon: {NixMessage}")]
    private static partial void LogDaemonBuildFailed(ILogger logger, string nixMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "nix-daemon --stdio cannot be started; builds run nix-store and nix path-info instead (Nixery:Nix:UseDaemon=false silences this)")]
    private static partial void LogDaemonUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The nix-daemon connection failed; this build runs nix-store and nix path-info instead")]
    private static partial void LogDaemonFailed(ILogger logger, Exception exception);

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiEscapes();

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted stale GC roots {RootDirectory}")]
    private static partial void LogStaleRootsDeleted(ILogger logger, string rootDirectory);
}
