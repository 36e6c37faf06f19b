using System.Collections.Concurrent;
using System.Globalization;
using Nixery.Core.Nix;

namespace Nixery.Core.Sources;

/// <summary>
/// The committer time of a commit of a repository, asked of git once per commit (a commit's time never changes): the
/// one commit is fetched without history into a scratch repository, which works for local and remote repositories alike.
/// </summary>
internal sealed class GitCommitTimes(string url, TimeSpan timeout)
{
    private const int MaxGitErrorLength = 2048;
    private readonly ConcurrentDictionary<string, Lazy<DateTimeOffset?>> _times = new(StringComparer.Ordinal);

    /// <summary>
    /// When <paramref name="commit"/> was committed, or null when git cannot say (unreachable remote, unknown commit);
    /// a failure is not remembered, so the next request asks again.
    /// </summary>
    public DateTimeOffset? Of(string commit)
    {
        var asked = _times.GetOrAdd(commit, c => new Lazy<DateTimeOffset?>(() => Ask(c)));
        var time = asked.Value;
        if (time is null) _times.TryRemove(new KeyValuePair<string, Lazy<DateTimeOffset?>>(commit, asked));
        return time;
    }

    private DateTimeOffset? Ask(string commit)
    {
        var scratch = Directory.CreateTempSubdirectory("nixery-commit-time-").FullName;
        try
        {
            return Task.Run(async () =>
            {
                var init = await GitAsync(["init", "--quiet", "--bare", scratch]).ConfigureAwait(false);
                if (init is not { ExitCode: 0 }) return null;
                var fetch = await GitAsync(["-C", scratch, "fetch", "--quiet", "--depth=1", url, commit]).ConfigureAwait(false);
                if (fetch is not { ExitCode: 0 }) return null;
                var shown = await GitAsync(["-C", scratch, "show", "--no-patch", "--format=%ct", "FETCH_HEAD"]).ConfigureAwait(false);
                return shown is { ExitCode: 0 } && long.TryParse(shown.StandardOutput.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : (DateTimeOffset?)null;
            }).GetAwaiter().GetResult();
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); }
            catch (IOException) { /* a scratch directory under the temp directory */ }
        }
    }

    private async Task<ProcessResult?> GitAsync(IEnumerable<string> arguments)
    {
        try
        {
            return await ProcessRunner.RunAsync("git", arguments, timeout, MaxGitErrorLength, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ProcessTimeoutException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
