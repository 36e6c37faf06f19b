namespace Nixery.Core;

/// <summary>
/// How the engine remembers the images it built for the registry's repeated requests (<see cref="Building.RecentBuilds"/>),
/// bound from <c>Nixery:Registry</c>.
/// </summary>
public sealed class NixeryRegistryOptions
{
    /// <summary>
    /// How long a built image stays the answer for its name and tag (default one minute; zero turns it off): in this
    /// process from memory, and for every instance sharing the store from its record there (<c>recent/</c>), so that
    /// replicas waiting on another's build take its image. Requests for the same image that arrive while it builds wait
    /// for that one build.
    /// </summary>
    /// <remarks>
    /// Clients ask for a manifest more than once per pull: docker and containerd HEAD the tag, then GET by digest;
    /// others GET the tag after a HEAD. Images from pinned package sources are cached by the engine for good, but an
    /// unpinned source (a local path, a git branch) may change at any time, so the engine builds those on every
    /// request. The memo covers one pull, and a burst of pulls of the same image, without serving an image older than
    /// this much after its build finished. Failed builds and missing packages are not remembered.
    /// </remarks>
    public TimeSpan RecentBuildLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most images remembered at once (default 1,024); expired ones are dropped first.</summary>
    public int MaxRecentBuilds { get; set; } = 1024;

    /// <summary>
    /// The most tags one <c>tags/list</c> answer carries (default 1,000): a larger <c>n</c>, or none, gets this many
    /// and a <c>Link</c> header to the next page, so a repository with many branches never answers one huge list.
    /// </summary>
    public int MaxTagsPerPage { get; set; } = 1000;

    /// <summary>
    /// When true, a package source that cannot list tags (a path, a channel) serves only <c>latest</c>, the one tag
    /// <c>tags/list</c> shows, and any other tag is <c>404 MANIFEST_UNKNOWN</c>, as the distribution spec's "not found"
    /// and its conformance suite expect. False (the default) keeps Nixery's behaviour: such a source ignores the tag, so
    /// every valid tag is the same image. Sources that list tags (git) answer unlisted ones with 404 either way.
    /// </summary>
    public bool OnlyListedTags { get; set; }
}
