using System.Diagnostics;
using Nixery.Abstractions.Sources;
using Nixery.Core.Nix;

namespace Nixery.Core.Sources;

/// <summary>
/// A package set in a git repository, fetched with <c>builtins.fetchGit</c>; the image tag selects the revision.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>latest</c> renders <c>ref = "HEAD"</c>, the repository's default branch. The ref is explicit because
/// Nix 2.8 falls back to <c>master</c>, not the default branch, for remote repositories.</item>
/// <item>A 40-digit hex tag renders <c>rev</c> (lower-cased); it is pinned, and Nix fetches all refs so a commit on
/// any branch is found.</item>
/// <item>Any other tag renders <c>ref = RefPrefix + tag</c>. With the default empty prefix Nix reads it as a branch
/// (it prefixes plain refs with <c>refs/heads/</c> for remote repositories; for a local non-bare <c>file://</c>
/// repository it runs <c>git rev-parse</c>, so git tags work there too). Pass <c>refs/tags/</c> as the prefix to
/// make image tags select git tags instead of branches. Nix cannot fall back from one to the other: a failed
/// fetch is not catchable in the Nix language.</item>
/// </list>
/// <para>
/// A commit tag also gives the package set's <see cref="PackageSetReference.Revision"/> and, asked of git once per
/// commit, its <see cref="PackageSetReference.RevisionTime"/> (the images' creation time); a ref's commit is known only
/// to Nix, so its images carry neither.
/// </para>
/// <para>
/// <see cref="ListTagsAsync"/> lists the refs that tags select with <c>git ls-remote</c>: the branches with the default
/// prefix, the git tags with <c>refs/tags/</c>.
/// </para>
/// </remarks>
public sealed class GitPackageSource : IPackageSource, IPackageSourceTags
{
    private const int MaxGitErrorLength = 2048;
    private readonly Lock _tagsLock = new();
    private Task<IReadOnlyList<string>>? _tags;
    private long _tagsStarted;
    private readonly GitCommitTimes _commitTimes;

    /// <summary>
    /// The Nix function this source renders: the revision fetched with <c>builtins.fetchGit</c> (by <c>ref</c>, or by
    /// <c>rev</c> with <c>allRefs</c>, since a commit may sit on any branch and Nix otherwise looks only at the default one),
    /// then imported.
    /// </summary>
    public const string Expression = """
        { system, arguments }:
        import (builtins.fetchGit ({ inherit (arguments) url; }
          // (if arguments ? ref then { inherit (arguments) ref; } else { })
          // (if arguments ? rev then { inherit (arguments) rev; allRefs = true; } else { })))
          { inherit system; }
        """;

    /// <summary>Creates a source for the repository at <paramref name="url"/> (any URL git and Nix accept, e.g. <c>file:///srv/pkgs</c>).</summary>
    /// <param name="url">The repository URL.</param>
    /// <param name="refPrefix">Prepended to tags that are neither <c>latest</c> nor a commit hash, e.g. <c>refs/tags/</c>.</param>
    public GitPackageSource(string url, string refPrefix = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        ArgumentNullException.ThrowIfNull(refPrefix);
        Url = url;
        RefPrefix = refPrefix;
        _commitTimes = new GitCommitTimes(url, TimeSpan.FromSeconds(30));
    }

    /// <summary>The repository URL.</summary>
    public string Url { get; }

    /// <summary>Prepended to tags that name a ref.</summary>
    public string RefPrefix { get; }

    /// <inheritdoc />
    public string Description => $"git repository {Url}";

    /// <summary>How long <c>git ls-remote</c> may take when listing tags; 10 seconds by default.</summary>
    public TimeSpan TagListTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a listing (or its failure) is reused, counted from when git was asked; 30 seconds by default, so a
    /// burst of <c>tags/list</c> requests asks the remote once. Zero asks every time (calls in flight are still shared).
    /// </summary>
    public TimeSpan TagListCacheLifetime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The refs image tags select, as tags: branch names with the default prefix, git tag names with
    /// <c>refs/tags/</c>, and for any other prefix the refs under it with the prefix removed. Commit-hash-like names
    /// are left out (such a tag selects a commit). Names are not checked against the registry's tag grammar.
    /// </summary>
    /// <exception cref="InvalidOperationException">git failed, e.g. the remote is unreachable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken)
    {
        Task<IReadOnlyList<string>> listing;
        lock (_tagsLock)
        {
            if (_tags is null || (_tags.IsCompleted && Stopwatch.GetElapsedTime(_tagsStarted) >= TagListCacheLifetime))
            {
                _tagsStarted = Stopwatch.GetTimestamp();
                // Not the caller's token: the call is shared with every caller until it finishes, bounded by its timeout.
                _tags = Task.Run(() => ReadTagsAsync(CancellationToken.None), CancellationToken.None);
            }
            listing = _tags;
        }
        return listing.WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<string>> ReadTagsAsync(CancellationToken cancellationToken)
    {
        var listedPrefix = ListedRefPrefix(RefPrefix);
        List<string> arguments = ["ls-remote", "--refs"];
        if (listedPrefix.StartsWith("refs/heads/", StringComparison.Ordinal)) arguments.Add("--heads");
        else if (listedPrefix.StartsWith("refs/tags/", StringComparison.Ordinal)) arguments.Add("--tags");
        arguments.Add(Url);

        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync("git", arguments, TagListTimeout, MaxGitErrorLength, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ProcessTimeoutException timeout)
        {
            throw new InvalidOperationException($"git ls-remote {Url} did not finish within {TagListTimeout}", timeout);
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            throw new InvalidOperationException($"git could not be run to list the refs of {Url}: {missing.Message}", missing);
        }
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"git ls-remote {Url} failed with exit code {result.ExitCode}: {result.StandardError.Trim()}");
        return TagsFromRefs(result.StandardOutput, listedPrefix);
    }

    /// <summary>The ref namespace whose names are image tags: where <c>ref = RefPrefix + tag</c> points in a remote repository.</summary>
    internal static string ListedRefPrefix(string refPrefix) =>
        refPrefix.StartsWith("refs/", StringComparison.Ordinal) ? refPrefix : "refs/heads/" + refPrefix;

    /// <summary>The names below <paramref name="listedPrefix"/> in <c>git ls-remote</c> output (<c>hash TAB ref</c> lines).</summary>
    internal static IReadOnlyList<string> TagsFromRefs(string lsRemoteOutput, string listedPrefix)
    {
        var tags = new List<string>();
        foreach (var line in lsRemoteOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            var gitRef = line[(tab + 1)..];
            if (!gitRef.StartsWith(listedPrefix, StringComparison.Ordinal) || gitRef.EndsWith("^{}", StringComparison.Ordinal)) continue;
            var name = gitRef[listedPrefix.Length..];
            if (name.Length > 0 && !CommitHash.IsCommitHash(name)) tags.Add(name);
        }
        return tags;
    }

    /// <inheritdoc />
    public PackageSetReference Resolve(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var selection = GitSelection.FromTag(tag, RefPrefix);
        if (selection.Rev is { } rev)
        {
            return new PackageSetReference(
                Expression,
                new Dictionary<string, string> { ["url"] = Url, ["rev"] = rev },
                $"git {Url} rev {rev}",
                IsPinned: true)
            {
                Source = Url,
                Revision = rev,
                RevisionTime = _commitTimes.Of(rev),
            };
        }

        var gitRef = selection.Ref ?? "HEAD";
        return new PackageSetReference(
            Expression,
            new Dictionary<string, string> { ["url"] = Url, ["ref"] = gitRef },
            $"git {Url} ref {gitRef}",
            IsPinned: false) { Source = Url };
    }
}
