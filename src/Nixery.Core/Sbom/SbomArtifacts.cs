using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core.Images;
using Nixery.Core.Referrers;

namespace Nixery.Core.Sbom;

/// <summary>
/// Attaches a CycloneDX SBOM to a built image as OCI 1.1 artifacts: the SBOM blob, the empty config, and one artifact
/// manifest per manifest form of the image (OCI and Docker, when they differ), each with that form as its
/// <c>subject</c>, since a referrers list names only manifests whose subject is the digest asked for. All of it is
/// content-addressed and derived from the image alone, so the same image gets the same SBOM digests.
/// </summary>
internal sealed class SbomArtifacts(IBlobStore store, IOptions<NixeryOptions> options)
{
    /// <summary>The file name an SBOM layer is given (<c>oras pull</c> writes it under this name).</summary>
    public const string FileName = "sbom.cdx.json";

    // Its digest is sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.
    private static readonly byte[] EmptyJson = "{}"u8.ToArray();

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The release, without the commit that built it: a rebuild of the same release writes the same SBOMs.
    private static readonly string ToolVersion =
        (typeof(SbomArtifacts).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>
    /// Stores the SBOM of <paramref name="image"/> and records it as a referrer of the image's manifests; returns the
    /// image with its <see cref="BuiltImage.Referrers"/>. Does nothing when SBOMs are turned off (<see cref="NixeryOptions.Sboms"/>).
    /// </summary>
    public async Task<BuiltImage> AttachAsync(BuiltImage image, RuntimeGraph graph, PackageSetReference packageSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(packageSet);
        if (!options.Value.Sboms) return image;

        // The config's own time, computed as the config did: no need to read back what was just stored.
        var created = ImageDocuments.Created(options.Value.Images, packageSet);
        var sbom = await store.PutAsync(
            CycloneDxDocument.Write(graph, image.Request, image.OciManifest.Digest, packageSet, created, ToolVersion), cancellationToken).ConfigureAwait(false);
        var empty = await store.PutAsync(EmptyJson, cancellationToken).ConfigureAwait(false);

        var annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = created };
        var referrers = new List<ImageReferrer>(2);
        foreach (var subject in image.DockerManifest.Digest == image.OciManifest.Digest ? [image.OciManifest] : new[] { image.OciManifest, image.DockerManifest })
        {
            var content = ArtifactManifest(subject, empty, sbom, annotations);
            var stored = await store.PutAsync(content, cancellationToken).ConfigureAwait(false);
            referrers.Add(new ImageReferrer(subject.Digest, MediaTypes.CycloneDxJson, annotations,
                new StoredManifest(stored.Digest, MediaTypes.OciManifest, content), [empty.Digest, sbom.Digest]));
        }
        await ReferrerRecords.WriteAsync(store, referrers, cancellationToken).ConfigureAwait(false);
        return image with { Referrers = referrers };
    }

    /// <summary>An OCI 1.1 artifact manifest: the empty config, the SBOM as its one layer, and the image as its subject.</summary>
    private static byte[] ArtifactManifest(StoredManifest subject, BlobInfo empty, BlobInfo sbom, IReadOnlyDictionary<string, string> annotations)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.OciManifest);
            json.WriteString("artifactType", MediaTypes.CycloneDxJson);
            ImageDocuments.WriteDescriptor(json, "config", MediaTypes.OciEmpty, empty.Digest, empty.Size);
            json.WriteStartArray("layers");
            ImageDocuments.WriteDescriptor(json, null, MediaTypes.CycloneDxJson, sbom.Digest, sbom.Size,
                new Dictionary<string, string> { ["org.opencontainers.image.title"] = FileName });
            json.WriteEndArray();
            ImageDocuments.WriteDescriptor(json, "subject", subject.MediaType, subject.Digest, subject.Size);
            json.WriteStartObject("annotations");
            foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal)) json.WriteString(key, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
