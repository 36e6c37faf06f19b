using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Sbom;

/// <summary>
/// Writes an image's software bill of materials as CycloneDX 1.5 JSON: a component per store path of the image's Nix
/// closure (name and version as Nix splits them, the store path and NAR size as <c>nix:</c> properties of the CycloneDX
/// property taxonomy), the references between them as the dependency graph, and the image and package set in the
/// metadata. Written field by field in a fixed order, with a serial number derived from the image's manifest digest and
/// the image's creation time as timestamp, so the same image always has the same SBOM bytes.
/// </summary>
internal static class CycloneDxDocument
{
    /// <summary>The CycloneDX version written.</summary>
    public const string SpecVersion = "1.5";

    /// <summary>The tool named in the metadata.</summary>
    public const string ToolName = "Nixery for .NET";

    // Media types and store paths are written as they are, without \u002B for '+'.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // RFC 4122's namespace for URLs and other URIs: the serial number is the name-based (version 5) UUID of a URN.
    private static readonly Guid UriNamespace = new("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

    /// <summary>The SBOM of the image <paramref name="image"/> (its OCI manifest's digest) built for <paramref name="request"/>.</summary>
    /// <param name="graph">The image's runtime closure.</param>
    /// <param name="request">What the image holds: its packages and platform.</param>
    /// <param name="image">The digest of the image's OCI manifest.</param>
    /// <param name="packageSet">The package set: its identity, and its source and revision when known.</param>
    /// <param name="created">The image's creation time as its config states it (RFC 3339).</param>
    /// <param name="toolVersion">The version of Nixery that writes it.</param>
    public static byte[] Write(RuntimeGraph graph, ImageRequest request, Digest image, PackageSetReference packageSet, string created, string toolVersion)
    {
        var topLevel = new SortedSet<string>(graph.TopLevel, StringComparer.Ordinal);
        var paths = graph.Paths.OrderBy(p => p.Path, StringComparer.Ordinal).ToList();
        var inClosure = paths.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("bomFormat", "CycloneDX");
            json.WriteString("specVersion", SpecVersion);
            json.WriteString("serialNumber", SerialNumber(image));
            json.WriteNumber("version", 1);

            json.WriteStartObject("metadata");
            json.WriteString("timestamp", created);
            json.WriteStartObject("tools");
            json.WriteStartArray("components");
            json.WriteStartObject();
            json.WriteString("type", "application");
            json.WriteString("name", ToolName);
            json.WriteString("version", toolVersion);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("component");
            json.WriteString("type", "container");
            json.WriteString("bom-ref", image.ToString());
            // The packages, not the requested name: git/htop and htop/git are one image, so they have one SBOM.
            json.WriteString("name", string.Join('/', request.Packages));
            json.WriteString("version", image.ToString());
            WriteProperties(json, [
                ("nixery:system", request.Architecture.NixSystem),
                .. request.Packages.Select(package => ("nixery:package", package)),
            ]);
            json.WriteEndObject();
            // The revision says exactly which package definitions the closure came from, where the source knows it.
            WriteProperties(json, [
                ("nixery:package_set", packageSet.Identity),
                .. Optional("nixery:package_set_source", packageSet.Source),
                .. Optional("nixery:package_set_revision", packageSet.Revision),
            ]);
            json.WriteEndObject();

            json.WriteStartArray("components");
            foreach (var path in paths)
            {
                var (name, version) = DrvName.Parse(path.Name);
                json.WriteStartObject();
                // Requested packages are what the image is for; the rest of the closure is what they need.
                json.WriteString("type", topLevel.Contains(path.Path) ? "application" : "library");
                json.WriteString("bom-ref", path.Path);
                json.WriteString("name", name);
                if (version.Length > 0) json.WriteString("version", version);
                WriteProperties(json, [
                    ("nix:store_path", path.Path),
                    ("nix:narinfo:nar_size", path.NarSize.ToString(CultureInfo.InvariantCulture)),
                ]);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("dependencies");
            WriteDependency(json, image.ToString(), topLevel);
            foreach (var path in paths)
                WriteDependency(json, path.Path, path.References
                    .Where(reference => reference != path.Path && inClosure.Contains(reference))
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal));
            json.WriteEndArray();

            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The serial number of the SBOM of <paramref name="image"/>: <c>urn:uuid:</c> and a version 5 UUID.</summary>
    public static string SerialNumber(Digest image)
    {
        Span<byte> input = stackalloc byte[16 + 128];
        UriNamespace.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes($"urn:nixery:sbom:{image}", input[16..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        // SHA-1 because RFC 4122 defines version 5 with it; nothing relies on it for security.
#pragma warning disable CA5350
        SHA1.HashData(input[..length], hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return "urn:uuid:" + new Guid(hash[..16], bigEndian: true).ToString("D");
    }

    private static IEnumerable<(string Name, string Value)> Optional(string name, string? value) =>
        string.IsNullOrEmpty(value) ? [] : [(name, value)];

    private static void WriteProperties(Utf8JsonWriter json, IEnumerable<(string Name, string Value)> properties)
    {
        json.WriteStartArray("properties");
        foreach (var (name, value) in properties)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteDependency(Utf8JsonWriter json, string reference, IEnumerable<string> dependsOn)
    {
        json.WriteStartObject();
        json.WriteString("ref", reference);
        json.WriteStartArray("dependsOn");
        foreach (var dependency in dependsOn) json.WriteStringValue(dependency);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
