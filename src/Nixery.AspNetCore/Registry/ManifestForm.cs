namespace Nixery.AspNetCore.Registry;

/// <summary>The two forms in which every image's manifest is stored.</summary>
internal enum ManifestForm
{
    /// <summary>Docker image manifest v2, schema 2: what clients that state no preference get.</summary>
    DockerV2,

    /// <summary>OCI image manifest.</summary>
    Oci,
}
