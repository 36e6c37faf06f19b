using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Building;

/// <summary>
/// The builds of this process, as the registry asks for them: concurrent requests for one image (by tag, architecture and
/// packages, so <c>git/htop</c> and <c>htop/git</c> are one) share one build, a built image stays the answer for
/// <see cref="NixeryRegistryOptions.RecentBuildLifetime"/>, and the manifests of recent images (and of manifests read by
/// digest) are kept by digest, so a pull's by-digest requests are answered from memory.
/// </summary>
/// <remarks>
/// A digest names its bytes for good, so manifests kept by digest never go stale; they are bounded by twice
/// <see cref="NixeryRegistryOptions.MaxRecentBuilds"/> (both forms of each image), starting over when full.
/// </remarks>
public sealed class RecentBuilds
{
    private readonly IImageBuilder _builder;
    private readonly NixeryRegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Digest, StoredManifest> _manifests = new();

    /// <summary>Creates the memo over <paramref name="builder"/>; builds stop when the host stops.</summary>
    public RecentBuilds(IImageBuilder builder, IOptions<NixeryRegistryOptions> options, IHostApplicationLifetime? lifetime = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        _builder = builder;
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
    }

    /// <summary>The result for <paramref name="request"/>, and whether it came from another request's build.</summary>
    /// <remarks>
    /// The build belongs to every request waiting for it, not to the first: a client that goes away does not cancel it
    /// for the others, and its result is there when that client retries. Nix's own timeout bounds it.
    /// </remarks>
    public async Task<(ImageBuildResult Result, bool Shared)> GetOrBuildAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_options.RecentBuildLifetime <= TimeSpan.Zero)
        {
            var result = await _builder.BuildAsync(request, cancellationToken).ConfigureAwait(false);
            RememberManifests(result);
            return (result, false);
        }

        var key = $"{request.Tag}\n{request.Architecture.NixSystem}\n{string.Join('\n', request.Packages)}" + (request.NonRoot ? "\nnonroot" : "");
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.IsExpired(_time.GetTimestamp()))
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, existing));
                    continue;
                }
                return (await existing.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false), true);
            }

            var entry = new Entry();
            if (!_entries.TryAdd(key, entry)) continue;
            if (_entries.Count > _options.MaxRecentBuilds) Sweep();

            _ = RunAsync(key, entry, request);
            return (await entry.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false), false);
        }
    }

    /// <summary>A manifest of a recent image, or one remembered by <see cref="RememberManifest"/>, by its digest.</summary>
    public bool TryGetManifest(Digest digest, out StoredManifest manifest) => _manifests.TryGetValue(digest, out manifest!);

    /// <summary>Keeps a manifest read by digest, so the next request for it needs no read from storage.</summary>
    public void RememberManifest(StoredManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_manifests.Count >= 2 * _options.MaxRecentBuilds) _manifests.Clear();
        _manifests[manifest.Digest] = manifest;
    }

    private void RememberManifests(ImageBuildResult result)
    {
        if (result is not BuiltImage image) return;
        RememberManifest(image.OciManifest);
        RememberManifest(image.DockerManifest);
    }

    private async Task RunAsync(string key, Entry entry, ImageRequest request)
    {
        try
        {
            var result = await _builder.BuildAsync(request, _stopping).ConfigureAwait(false);
            if (result is BuiltImage)
            {
                RememberManifests(result);
                entry.ExpiresAt = _time.GetTimestamp() + (long)(_options.RecentBuildLifetime.TotalSeconds * _time.TimestampFrequency);
            }
            else
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
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
        var now = _time.GetTimestamp();
        foreach (var pair in _entries)
            if (pair.Value.IsExpired(now)) _entries.TryRemove(pair);

        // Still too many: drop finished entries, oldest expiry first, leaving builds in flight alone.
        var excess = _entries.Count - _options.MaxRecentBuilds;
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
