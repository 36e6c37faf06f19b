using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;

namespace Nixery.Core.Nix;

/// <summary>
/// Runs Nix in three calls per image: evaluate (<c>nix-instantiate</c> on the embedded <c>resolve.nix</c>),
/// realise with GC roots (<c>nix-store --realise</c>), and read the closure (<c>nix path-info --recursive</c>).
/// Nothing beyond the requested packages is built: no helper derivations per image.
/// </summary>
public sealed partial class NixClient : INixClient
{
    private readonly NixOptions _options;
    private readonly ILogger<NixClient> _logger;
    private readonly NixCommandRunner _nix;
    private int _sweptStaleRoots;

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
    }

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

            await RealiseAsync(resolved.Packages, lease.Directory, cancellationToken).ConfigureAwait(false);
            var paths = await QueryClosureAsync(topLevel, cancellationToken).ConfigureAwait(false);
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
        var result = await _nix.RunAsync(
            "nix-instantiate",
            ["--eval", "--strict", "--json", "--read-write-mode", expression, "--arg", "packageSet", packageSet.Expression, "--argstr", "argsJson", json],
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted stale GC roots {RootDirectory}")]
    private static partial void LogStaleRootsDeleted(ILogger logger, string rootDirectory);
}
