using System.Text.Json.Serialization;
using Nixery.Abstractions.Storage;

namespace Nixery.Abstractions.Building;

/// <summary>A manifest stored as a blob, with its bytes, so that serving it needs no read from storage.</summary>
/// <param name="Digest">The manifest's digest (of <paramref name="Content"/>).</param>
/// <param name="MediaType">Its media type, as its <c>mediaType</c> field says.</param>
/// <param name="Content">Its bytes, exactly as stored.</param>
public sealed record StoredManifest(Digest Digest, string MediaType, byte[] Content)
{
    /// <summary>Its length in bytes.</summary>
    [JsonIgnore]
    public long Size => Content.Length;
}
