using Nixery.Abstractions.Storage;

namespace Nixery.Abstractions.Building;

/// <summary>An artifact manifest that refers to one of an image's manifests through its <c>subject</c> field (OCI 1.1).</summary>
/// <param name="Subject">The digest of the image manifest it refers to.</param>
/// <param name="ArtifactType">Its <c>artifactType</c>, e.g. <c>application/vnd.cyclonedx+json</c>.</param>
/// <param name="Annotations">Its <c>annotations</c>, which the referrers API repeats in its descriptor.</param>
/// <param name="Manifest">The artifact manifest, as stored.</param>
/// <param name="Blobs">The blobs the manifest names (config and layers), which must be kept as long as it is.</param>
public sealed record ImageReferrer(
    Digest Subject, string ArtifactType, IReadOnlyDictionary<string, string> Annotations, StoredManifest Manifest, IReadOnlyList<Digest> Blobs);
