using System.Text.Json.Serialization;

namespace Nixery.Core.Packing;

/// <summary>Source-generated JSON for <see cref="LayerRecord"/>, camelCase, compact.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LayerRecord))]
internal sealed partial class LayerRecordJsonContext : JsonSerializerContext;
