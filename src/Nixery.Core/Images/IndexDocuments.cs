using System.Text.Json;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Oci;

namespace Nixery.Core.Images;

/// <summary>
/// Writes the OCI image index and the Docker manifest list of one name's per-platform images, field by field so that
/// the same images always give the same bytes and digests.
/// </summary>
public static class IndexDocuments
{
    /// <summary>
    /// The index (<paramref name="oci"/>) or manifest list of <paramref name="images"/>: one descriptor per image, of its
    /// OCI or Docker manifest, with the image's <c>platform</c> (architecture, os, variant).
    /// </summary>
    public static byte[] Index(bool oci, IReadOnlyList<BuiltImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", oci ? MediaTypes.OciIndex : MediaTypes.DockerManifestList);
            json.WriteStartArray("manifests");
            foreach (var image in images)
            {
                var manifest = oci ? image.OciManifest : image.DockerManifest;
                json.WriteStartObject();
                json.WriteString("mediaType", manifest.MediaType);
                json.WriteString("digest", manifest.Digest.ToString());
                json.WriteNumber("size", manifest.Size);
                json.WriteStartObject("platform");
                json.WriteString("architecture", image.Request.Architecture.OciArchitecture);
                json.WriteString("os", "linux");
                if (image.Request.Architecture.OciVariant is { } variant) json.WriteString("variant", variant);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
