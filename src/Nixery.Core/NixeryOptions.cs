using Nixery.Abstractions.Layering;
using Nixery.Abstractions.Requests;
using Nixery.Core.Images;

namespace Nixery.Core;

/// <summary>Options of the image engine, bound from the <c>Nixery</c> configuration section.</summary>
public sealed class NixeryOptions
{
    /// <summary>The most layers an image's store paths are split into; the symlink layer comes on top.</summary>
    public int LayerBudget { get; set; } = LayeringContext.DefaultBudget;

    /// <summary>
    /// The layering strategy by its <c>Name</c>, among those registered (<c>AddLayerStrategy</c>): the built-in
    /// <c>economy</c> (the default when unset: fewer bytes downloaded), <c>popularity-dominator</c> (the original's), <c>nixpkgs-popularity</c>,
    /// <c>nixpkgs-size</c>, <c>single-layer</c> and <c>per-path</c>, and any the host adds. Each strategy's own settings
    /// are bound from <c>Nixery:Layering:&lt;name&gt;</c>. A strategy given to <c>UseLayerStrategy</c> takes precedence.
    /// </summary>
    public string? LayerStrategy { get; set; }

    /// <summary>The package source chosen by configuration, when none is chosen in code.</summary>
    public Sources.PackageSourceOptions PackageSource { get; set; } = new();

    /// <summary>
    /// Where popularity data comes from: a file path or an http(s) URL of a JSON object mapping store path
    /// names to reference counts. None means every package is equally (un)popular.
    /// </summary>
    public string? PopularityUrl { get; set; }

    /// <summary>
    /// Where closure counts come from, in the same form as <see cref="PopularityUrl"/>: a JSON object mapping store path
    /// names to how many top-level packages of the set hold a path of that name in their runtime closure
    /// (<c>nixery popularity --closure-output</c> writes it). The <c>economy</c> strategy stacks layers by them, which
    /// lets more images share their lowest layers; without them it estimates from the reference counts.
    /// </summary>
    public string? ClosurePopularityUrl { get; set; }

    /// <summary>
    /// How many images are built (Nix call, layer packing, manifests) at once; default one per processor. Images
    /// served from the manifest cache do not count.
    /// </summary>
    public int MaxConcurrentBuilds { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// How many builds may wait for one of the <see cref="MaxConcurrentBuilds"/> slots (default 32); one more is
    /// refused with <see cref="Abstractions.Building.TooManyBuildsException"/>.
    /// </summary>
    public int MaxQueuedBuilds { get; set; } = 32;

    /// <summary>What a refused build tells the client to wait before trying again (default 10 seconds).</summary>
    public TimeSpan BuildRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many recent build failures <see cref="Building.BuildFailureLog"/> keeps (default 20).</summary>
    public int RecentFailuresKept { get; set; } = 20;

    /// <summary>How image names become package lists.</summary>
    public ImageRequestOptions Requests { get; set; } = new();

    /// <summary>The image config of every image: environment, entrypoint and command, working directory, labels, creation time.</summary>
    public ImageConfigOptions Images { get; set; } = new();

    /// <summary>
    /// The platforms a name without the <c>arm64</c> meta-package is built for, as <c>os/architecture</c>
    /// (<c>linux/amd64</c>, <c>linux/arm64</c>); empty (the default) means the host's platform alone. With more than one,
    /// such a name answers an OCI image index (a Docker manifest list for Docker-only clients) of one image per platform,
    /// each built by Nix for its system; see <see cref="Platforms.ImagePlatforms"/>.
    /// </summary>
    public IList<string> Platforms { get; set; } = [];

    /// <summary>
    /// Whether every image built gets a CycloneDX SBOM of its Nix closure, served as an OCI 1.1 referrer of its manifests
    /// (<c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>); on by default.
    /// </summary>
    public bool Sboms { get; set; } = true;
}
