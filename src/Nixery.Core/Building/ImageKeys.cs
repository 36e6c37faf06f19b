using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Core.Layering;
using Nixery.Core.Packing;

namespace Nixery.Core.Building;

/// <summary>
/// The key under which an image is built once and cached: what the package set says decides its contents
/// (<see cref="PackageSetReference.BuildKey"/>), plus the settings of this host that change its bytes: the image config
/// (<c>Nixery:Images</c>), the layering strategy and budget, the layer format and whether it has an SBOM. Changing one
/// of them builds images again instead of serving ones made under the old settings.
/// </summary>
internal sealed class ImageKeys
{
    private readonly string _settings;

    public ImageKeys(IOptions<NixeryOptions> options, IOptions<PackingOptions> packing, LayerStrategyCatalog strategies)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(packing);
        ArgumentNullException.ThrowIfNull(strategies);
        var value = options.Value;
        var images = value.Images;
        // Serialized field by field, sorted where the settings are unordered, so equal settings give equal text.
        _settings = JsonSerializer.Serialize(new object?[]
        {
            images.Created.ToUnixTimeSeconds(), images.Environment, images.Entrypoint, images.Cmd, images.WorkingDir, images.Source,
            images.Labels.OrderBy(label => label.Key, StringComparer.Ordinal).Select(label => $"{label.Key}={label.Value}"),
            strategies.Selected.Name, value.LayerBudget, packing.Value.Format.ToString(), value.Sboms,
        });
    }

    /// <summary>The key of the image of <paramref name="request"/> from <paramref name="packageSet"/>: a SHA-256 in hex.</summary>
    public string For(PackageSetReference packageSet, ImageRequest request)
    {
        ArgumentNullException.ThrowIfNull(packageSet);
        var text = $"{packageSet.BuildKey(request)}\n{_settings}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
