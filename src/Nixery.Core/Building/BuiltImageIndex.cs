using Nixery.Abstractions.Building;

namespace Nixery.Core.Building;

/// <summary>
/// One name's images for every configured platform, and the two documents that list them, both stored as blobs: an
/// OCI image index of the OCI manifests and a Docker manifest list of the Docker manifests.
/// </summary>
/// <param name="OciIndex">The OCI image index (<c>application/vnd.oci.image.index.v1+json</c>).</param>
/// <param name="DockerManifestList">The Docker manifest list (<c>application/vnd.docker.distribution.manifest.list.v2+json</c>).</param>
/// <param name="Images">The image of each platform, in the configured order.</param>
public sealed record BuiltImageIndex(StoredManifest OciIndex, StoredManifest DockerManifestList, IReadOnlyList<BuiltImage> Images) : ImageBuildResult;
