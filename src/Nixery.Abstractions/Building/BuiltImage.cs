using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;

namespace Nixery.Abstractions.Building;

/// <summary>An image whose layers, config and manifests are all in the blob store.</summary>
/// <param name="Request">What was asked for.</param>
/// <param name="Config">The image config blob.</param>
/// <param name="Layers">The layers, lowest first (the symlink layer last).</param>
/// <param name="OciManifest">The manifest in OCI form.</param>
/// <param name="DockerManifest">The manifest in Docker v2 schema 2 form.</param>
public sealed record BuiltImage(
    ImageRequest Request,
    BlobInfo Config,
    IReadOnlyList<LayerDescriptor> Layers,
    StoredManifest OciManifest,
    StoredManifest DockerManifest) : ImageBuildResult
{
    /// <summary>
    /// Artifacts stored with the image whose <c>subject</c> is one of its manifests (its SBOMs), listed by the
    /// registry's referrers API; empty for images built without them.
    /// </summary>
    public IReadOnlyList<ImageReferrer> Referrers { get; init; } = [];
}
