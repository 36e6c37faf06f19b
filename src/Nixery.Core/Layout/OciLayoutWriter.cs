using System.Text.Json;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Storage;
using Nixery.Core.Building;
using Nixery.Core.Images;

namespace Nixery.Core.Layout;

/// <summary>
/// Writes a built image as an OCI image layout (a directory that <c>skopeo copy oci:DIR:TAG …</c>, umoci and
/// podman read): <c>oci-layout</c>, <c>index.json</c> naming the manifest (or a multi-platform image index) by tag,
/// and the blobs.
/// </summary>
public static class OciLayoutWriter
{
    /// <summary>The annotation that names a manifest in an OCI layout's index.</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>Copies the image's blobs from <paramref name="store"/> into <paramref name="directory"/> and indexes it under <paramref name="tag"/>.</summary>
    /// <remarks>Other images already in the layout stay indexed, unless they carry the same tag.</remarks>
    public static async Task WriteAsync(BuiltImage image, IBlobStore store, string directory, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await CopyBlobsAsync(BlobsOf(image), image.Request.Name, store, directory, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(directory, "index.json"), Index(directory, image.OciManifest, tag), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the blobs of every platform's image and the OCI image index listing them into <paramref name="directory"/>,
    /// and names the index by <paramref name="tag"/>: <c>skopeo copy --all oci:DIR:TAG …</c> copies every platform,
    /// without <c>--all</c> the one of the machine.
    /// </summary>
    /// <remarks>Other images already in the layout stay indexed, unless they carry the same tag.</remarks>
    public static async Task WriteAsync(BuiltImageIndex index, IBlobStore store, string directory, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        var name = index.Images[0].Request.Name;
        await CopyBlobsAsync(index.Images.SelectMany(BlobsOf), name, store, directory, cancellationToken).ConfigureAwait(false);
        // The index is not read from the store: its bytes came with the build.
        await File.WriteAllBytesAsync(Path.Combine(directory, "blobs", "sha256", index.OciIndex.Digest.Hex), index.OciIndex.Content, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(directory, "index.json"), Index(directory, index.OciIndex, tag), cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<Digest> BlobsOf(BuiltImage image) =>
        image.Layers.Select(l => l.Digest).Append(image.Config.Digest).Append(image.OciManifest.Digest);

    private static async Task CopyBlobsAsync(IEnumerable<Digest> digests, string name, IBlobStore store, string directory, CancellationToken cancellationToken)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        await File.WriteAllTextAsync(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""", cancellationToken).ConfigureAwait(false);

        foreach (var digest in digests.Distinct())
        {
            var target = Path.Combine(blobs, digest.Hex);
            if (File.Exists(target)) continue;
            await using var source = await store.OpenReadAsync(digest, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"blob {digest} of image {name} is missing from the blob store");
            var staging = target + ".partial";
            await using (var output = File.Create(staging))
                await source.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            File.Move(staging, target, overwrite: true);
        }
    }

    private static byte[] Index(string directory, StoredManifest manifest, string tag)
    {
        var kept = new List<JsonElement>();
        var indexPath = Path.Combine(directory, "index.json");
        if (File.Exists(indexPath))
        {
            using var existing = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (existing.RootElement.TryGetProperty("manifests", out var manifests))
            {
                foreach (var entry in manifests.EnumerateArray())
                {
                    var sameTag = entry.TryGetProperty("annotations", out var annotations)
                        && annotations.TryGetProperty(RefNameAnnotation, out var name) && name.GetString() == tag;
                    if (!sameTag) kept.Add(entry.Clone());
                }
            }
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.OciIndex);
            json.WriteStartArray("manifests");
            foreach (var entry in kept) entry.WriteTo(json);
            json.WriteStartObject();
            json.WriteString("mediaType", manifest.MediaType);
            json.WriteString("digest", manifest.Digest.ToString());
            json.WriteNumber("size", manifest.Size);
            json.WriteStartObject("annotations");
            json.WriteString(RefNameAnnotation, tag);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
