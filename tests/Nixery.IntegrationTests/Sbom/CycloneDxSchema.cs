using System.Text.Json.Nodes;
using Json.Schema;

namespace Nixery.IntegrationTests.Sbom;

/// <summary>
/// The published CycloneDX 1.5 JSON schema (Sbom/CycloneDx, with the SPDX and JSF schemas it references), evaluated by
/// JsonSchema.Net with formats checked.
/// </summary>
internal static class CycloneDxSchema
{
    private static readonly Lazy<(JsonSchema Bom, EvaluationOptions Options)> Loaded = new(() =>
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Sbom", "CycloneDx");
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        // The BOM schema names the others relative to its $id (http://cyclonedx.org/schema/); they carry their own.
        options.SchemaRegistry.Register(JsonSchema.FromFile(Path.Combine(directory, "spdx.schema.json")));
        options.SchemaRegistry.Register(JsonSchema.FromFile(Path.Combine(directory, "jsf-0.82.schema.json")));
        var bom = JsonSchema.FromFile(Path.Combine(directory, "bom-1.5.schema.json"));
        options.SchemaRegistry.Register(bom);
        return (bom, options);
    });

    /// <summary>What the schema finds wrong with <paramref name="document"/>: empty when it is a valid CycloneDX 1.5 BOM.</summary>
    public static IReadOnlyList<string> Errors(JsonNode? document)
    {
        var (bom, options) = Loaded.Value;
        var result = bom.Evaluate(document, options);
        if (result.IsValid) return [];
        var errors = result.Details
            .Where(detail => detail.HasErrors)
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Key}: {error.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no details)"];
    }
}
