using System.Collections.Concurrent;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// A per-process memo of recent builds keyed by what the image holds (tag, architecture, packages), so that
/// <c>git/htop</c> and <c>htop/git</c> share an entry. Concurrent requests for one image share one build; a built
/// image is remembered for <see cref="NixeryRegistryOptions.RecentBuildLifetime"/> after the build finished.
/// </summary>
internal sealed class RecentBuilds(IImageBuilder builder, NixeryRegistryOptions options, TimeProvider time, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The result for <paramref name="request"/>, and whether it came from another request's build.</summary>
    public async Task<(ImageBuildResult Result, bool Shared)> GetOrBuildAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        if (options.RecentBuildLifetime <= TimeSpan.Zero)
            return (await builder.BuildAsync(request, cancellationToken).ConfigureAwait(false), false);

        var key = $"{request.Tag}\n{request.Architecture.NixSystem}\n{string.Join('\n', request.Packages)}";
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.IsExpired(time.GetTimestamp()))
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, existing));
                    continue;
                }
                return (await existing.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false), true);
            }

            var entry = new Entry();
            if (!_entries.TryAdd(key, entry)) continue;
            if (_entries.Count > options.MaxRecentBuilds) Sweep();

            // The build belongs to every request waiting for it, not to the first: a client that goes away does not
            // cancel it for the others, and its result is there when that client retries. Nix's own timeout bounds it.
            _ = RunAsync(key, entry, request);
            return (await entry.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false), false);
        }
    }

    private async Task RunAsync(string key, Entry entry, ImageRequest request)
    {
        try
        {
            var result = await builder.BuildAsync(request, stopping).ConfigureAwait(false);
            if (result is BuiltImage)
                entry.ExpiresAt = time.GetTimestamp() + (long)(options.RecentBuildLifetime.TotalSeconds * time.TimestampFrequency);
            else
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            entry.Completion.TrySetResult(result);
        }
        catch (Exception exception)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            if (exception is OperationCanceledException cancelled) entry.Completion.TrySetCanceled(cancelled.CancellationToken);
            else entry.Completion.TrySetException(exception);
        }
    }

    private void Sweep()
    {
        var now = time.GetTimestamp();
        foreach (var pair in _entries)
            if (pair.Value.IsExpired(now)) _entries.TryRemove(pair);

        // Still too many: drop finished entries, oldest expiry first, leaving builds in flight alone.
        var excess = _entries.Count - options.MaxRecentBuilds;
        if (excess <= 0) return;
        foreach (var pair in _entries.Where(p => p.Value.ExpiresAt != long.MaxValue).OrderBy(p => p.Value.ExpiresAt).Take(excess).ToList())
            _entries.TryRemove(pair);
    }

    private sealed class Entry
    {
        public TaskCompletionSource<ImageBuildResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private long _expiresAt = long.MaxValue;

        /// <summary>When the entry stops being the answer; <see cref="long.MaxValue"/> while the build runs.</summary>
        public long ExpiresAt
        {
            get => Interlocked.Read(ref _expiresAt);
            set => Interlocked.Exchange(ref _expiresAt, value);
        }

        public bool IsExpired(long now) => now >= ExpiresAt;
    }
}
