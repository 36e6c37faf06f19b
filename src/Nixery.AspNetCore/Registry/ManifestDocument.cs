using System.Text.Json;
using Nixery.Abstractions.Oci;

namespace Nixery.AspNetCore.Registry;

/// <summary>Recognizes a stored blob as a manifest by the <c>mediaType</c> field of its JSON.</summary>
internal static class ManifestDocument
{
    /// <summary>Manifests are small; a larger blob is a layer, whatever its first bytes say (4 MiB, as registries limit manifests).</summary>
    public const long MaxSize = 4 * 1024 * 1024;

    private static readonly string[] ManifestMediaTypes =
    [
        MediaTypes.OciManifest,
        MediaTypes.DockerManifest,
        MediaTypes.OciIndex,
        MediaTypes.DockerManifestList,
    ];

    /// <summary>The manifest media type the JSON declares, or null when the bytes are not a manifest.</summary>
    public static string? MediaTypeOf(ReadOnlySpan<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMediaType = reader.ValueTextEquals("mediaType"u8);
                if (!reader.Read()) return null;
                if (isMediaType)
                {
                    if (reader.TokenType != JsonTokenType.String) return null;
                    var value = reader.GetString();
                    return Array.Find(ManifestMediaTypes, type => type == value);
                }
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
