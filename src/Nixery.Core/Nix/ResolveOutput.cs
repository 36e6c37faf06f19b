using System.Text.Json.Serialization;

namespace Nixery.Core.Nix;

/// <summary>What <c>resolve.nix</c> returns.</summary>
internal sealed record ResolveOutput(
    [property: JsonPropertyName("notFound")] IReadOnlyList<string> NotFound,
    [property: JsonPropertyName("packages")] IReadOnlyList<ResolvedPackage> Packages);

/// <summary>One package <c>resolve.nix</c> found.</summary>
internal sealed record ResolvedPackage(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("drvPath")] string DrvPath,
    [property: JsonPropertyName("outputPath")] string OutputPath,
    [property: JsonPropertyName("outputName")] string OutputName);

/// <summary>One entry of <c>nix path-info --json</c>.</summary>
internal sealed record PathInfo(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("narSize")] long NarSize,
    [property: JsonPropertyName("references")] IReadOnlyList<string>? References,
    [property: JsonPropertyName("valid")] bool? Valid);

/// <summary>The arguments <c>resolve.nix</c> takes as JSON (the package set's expression comes beside them, as Nix).</summary>
internal sealed record ResolveArguments(
    [property: JsonPropertyName("arguments")] IReadOnlyDictionary<string, string> Arguments,
    [property: JsonPropertyName("system")] string System,
    [property: JsonPropertyName("packages")] IReadOnlyList<string> Packages);

/// <summary>One derivation the popularity expression found: its .drv and its output path.</summary>
internal sealed record PopularityPackage(
    [property: JsonPropertyName("drv")] string Drv,
    [property: JsonPropertyName("out")] string Out);

/// <summary>Source-generated serialisation for the records above (no reflection at run time).</summary>
[JsonSerializable(typeof(ResolveOutput))]
[JsonSerializable(typeof(ResolveArguments))]
[JsonSerializable(typeof(List<PathInfo>))]
[JsonSerializable(typeof(List<PopularityPackage>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class NixJsonContext : JsonSerializerContext;
