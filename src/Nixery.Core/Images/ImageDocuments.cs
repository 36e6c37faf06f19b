using System.Text.Json;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core.Packing;

namespace Nixery.Core.Images;

/// <summary>
/// Writes the image config and both manifest forms. The JSON is written field by field so that the same image
/// always has the same bytes, and so the same digests.
/// </summary>
public static class ImageDocuments
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>
    /// The image config: platform, user, environment, entrypoint and command, working directory, labels, diff_ids and
    /// one history entry per layer.
    /// </summary>
    /// <param name="request">The image's request: its packages, platform and user.</param>
    /// <param name="layers">The layers, bottom first.</param>
    /// <param name="options">The settings of every image.</param>
    /// <param name="packageSet">The package set the image was built from, whose source, revision and revision time become labels.</param>
    public static byte[] Config(
        ImageRequest request, IReadOnlyList<LayerDescriptor> layers, ImageConfigOptions options, PackageSetReference? packageSet = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var created = Created(options, packageSet);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("created", created);
            json.WriteString("architecture", request.Architecture.OciArchitecture);
            if (request.Architecture.OciVariant is { } variant) json.WriteString("variant", variant);
            json.WriteString("os", "linux");
            json.WriteStartObject("config");
            if (request.NonRoot) json.WriteString("User", BaselineFiles.NonRootUser);
            WriteStrings(json, "Env", options.Environment);
            if (options.Entrypoint is { } entrypoint) WriteStrings(json, "Entrypoint", entrypoint);
            if ((options.Cmd ?? DefaultCmd(request)) is { } cmd) WriteStrings(json, "Cmd", cmd);
            if ((options.WorkingDir ?? (request.NonRoot ? "/" + BaselineFiles.NonRootHome : null)) is { } workingDir)
                json.WriteString("WorkingDir", workingDir);
            var labels = Labels(options, packageSet);
            if (labels.Count > 0)
            {
                json.WriteStartObject("Labels");
                foreach (var (key, value) in labels) json.WriteString(key, value);
                json.WriteEndObject();
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

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    // An image of the shell meta-package starts a shell, as the original's did.
    private static string[]? DefaultCmd(ImageRequest request) =>
        request.Packages.Contains("bashInteractive", StringComparer.Ordinal) ? ["bash"] : null;

    private static void WriteStrings(Utf8JsonWriter json, string property, IEnumerable<string> values)
    {
        json.WriteStartArray(property);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    /// <summary>The labels, in ordinal order so that the bytes are stable: Nixery's, then the configured ones over them.</summary>
    private static SortedDictionary<string, string> Labels(ImageConfigOptions options, PackageSetReference? packageSet)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if ((options.Source ?? packageSet?.Source) is { Length: > 0 } source) labels["org.opencontainers.image.source"] = source;
        if (packageSet?.Revision is { } revision) labels["org.opencontainers.image.revision"] = revision;
        if (packageSet?.RevisionTime is { } time) labels["org.opencontainers.image.created"] = Timestamp(time);
        foreach (var (key, value) in options.Labels) labels[key] = value;
        return labels;
    }

    // Store paths are shown by name (hello-2.12.1), as a person reading the history wants them.
    private static string DisplayName(string content) => content.StartsWith('/') ? StorePath.NameOf(content) : content;

    /// <summary>The <c>created</c> time of an image's config (RFC 3339): its package set's revision time where known, else the setting.</summary>
    internal static string Created(ImageConfigOptions options, PackageSetReference? packageSet) =>
        Timestamp(packageSet?.RevisionTime ?? options.Created);

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
