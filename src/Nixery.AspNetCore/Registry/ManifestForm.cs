namespace Nixery.AspNetCore.Registry;

/// <summary>
/// The two forms in which every image's manifest is stored, and the two forms of the index that lists a name's images
/// when several platforms are configured.
/// </summary>
internal enum ManifestForm
{
    /// <summary>Docker image manifest v2, schema 2: what clients that state no preference get.</summary>
    DockerV2,

    /// <summary>OCI image manifest.</summary>
    Oci,

    /// <summary>OCI image index of the OCI manifests, one per platform.</summary>
    OciIndex,

    /// <summary>Docker manifest list of the Docker manifests, one per platform.</summary>
    DockerManifestList,
}
