using Microsoft.Extensions.Options;
using Nixery.Abstractions.Layering;

namespace Nixery.Core.Layering;

/// <summary>Checks at start that <see cref="NixeryOptions.LayerStrategy"/> names a registered strategy.</summary>
internal sealed class LayerStrategyNameValidator(IEnumerable<ILayerStrategy> strategies, NixeryConfiguration configuration)
    : IValidateOptions<NixeryOptions>
{
    public ValidateOptionsResult Validate(string? name, NixeryOptions options)
    {
        if (options.LayerStrategy is not { Length: > 0 } selected) return ValidateOptionsResult.Success;
        var names = strategies.Select(s => s.Name).ToList();
        return names.Contains(selected.Trim(), StringComparer.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(LayerStrategyCatalog.UnknownMessage(configuration.Path + ":LayerStrategy", selected, names.Order(StringComparer.Ordinal)));
    }
}
