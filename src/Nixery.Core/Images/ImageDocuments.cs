using System.Text.Json;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Images;

/// <summary>
/// Writes the image config and both manifest forms. The JSON is written field by field so that the same image
/// always has the same bytes, and so the same digests.
/// </summary>
public static class ImageDocuments
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>The image config: platform, environment, command, diff_ids and one history entry per layer.</summary>
    public static byte[] Config(ImageRequest request, IReadOnlyList<LayerDescriptor> layers, ImageConfigOptions options)
    {
        var created = options.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("created", created);
            json.WriteString("architecture", request.Architecture.OciArchitecture);
            json.WriteString("os", "linux");
            json.WriteStartObject("config");
            json.WriteStartArray("Env");
            foreach (var variable in options.Environment) json.WriteStringValue(variable);
            json.WriteEndArray();
            if (request.Packages.Contains("bashInteractive", StringComparer.Ordinal))
            {
                json.WriteStartArray("Cmd");
                json.WriteStringValue("bash");
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            foreach (var layer in layers) json.WriteStringValue(layer.DiffId.ToString());
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("history");
            foreach (var layer in layers)
            {
                json.WriteStartObject();
                json.WriteString("created", created);
                // docker and podman history show created_by: name the packages the layer holds.
                json.WriteString("created_by", "nixery: " + string.Join(' ', layer.Contents.Select(DisplayName)));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A manifest in OCI form (<paramref name="oci"/>) or Docker v2 schema 2 form (gzip layers only).</summary>
    public static byte[] Manifest(bool oci, BlobInfo config, IReadOnlyList<LayerDescriptor> layers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", oci ? MediaTypes.OciManifest : MediaTypes.DockerManifest);
            WriteDescriptor(json, "config", oci ? MediaTypes.OciConfig : MediaTypes.DockerConfig, config.Digest, config.Size);
            json.WriteStartArray("layers");
            foreach (var layer in layers)
                // Only OCI descriptors carry annotations (eStargz's TOC digest); Docker's schema 2 has no such field.
                WriteDescriptor(json, null, oci ? layer.MediaType : MediaTypes.DockerLayerGzip, layer.Digest, layer.Size, oci ? layer.Annotations : null);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    // Store paths are shown by name (hello-2.12.1), as a person reading the history wants them.
    private static string DisplayName(string content) => content.StartsWith('/') ? StorePath.NameOf(content) : content;

    internal static void WriteDescriptor(
        Utf8JsonWriter json, string? property, string mediaType, Digest digest, long size, IReadOnlyDictionary<string, string>? annotations = null)
    {
        if (property is null) json.WriteStartObject(); else json.WriteStartObject(property);
        json.WriteString("mediaType", mediaType);
        json.WriteString("digest", digest.ToString());
        json.WriteNumber("size", size);
        if (annotations is { Count: > 0 })
        {
            json.WriteStartObject("annotations");
            foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal)) json.WriteString(key, value);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
