using System.Globalization;
using System.Text.Json;

namespace Nixery.Storage.Gcs.Api;

/// <summary>The parts of a Cloud Storage object resource this store uses.</summary>
internal sealed record GcsObject(string Name, long Generation, long Size, string? Md5Hash, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>When the object was last written (<c>updated</c>), when the server says.</summary>
    public DateTimeOffset? Updated { get; init; }

    public static GcsObject Parse(JsonElement json)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json.TryGetProperty("metadata", out var custom) && custom.ValueKind == JsonValueKind.Object)
            foreach (var property in custom.EnumerateObject())
                if (property.Value.ValueKind == JsonValueKind.String) metadata[property.Name] = property.Value.GetString()!;
        return new GcsObject(
            json.GetProperty("name").GetString()!,
            Number(json, "generation"),
            Number(json, "size"),
            json.TryGetProperty("md5Hash", out var md5) ? md5.GetString() : null,
            metadata)
        {
            Updated = json.TryGetProperty("updated", out var updated) && updated.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(updated.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : null,
        };
    }

    /// <summary>The JSON API writes 64-bit numbers as strings.</summary>
    private static long Number(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString()!, CultureInfo.InvariantCulture)
            : 0;
}
