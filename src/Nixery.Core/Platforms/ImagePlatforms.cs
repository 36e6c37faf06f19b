using System.Runtime.InteropServices;
using Architecture = Nixery.Abstractions.Requests.Architecture;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Requests;

namespace Nixery.Core.Platforms;

/// <summary>
/// The platforms of <see cref="NixeryOptions.Platforms"/>, in their configured order: the first is what clients that
/// cannot read an index get. Without configuration, the host's platform alone.
/// </summary>
public sealed class ImagePlatforms
{
    /// <summary>The platforms Nixery knows how to build for, by the names <c>Nixery:Platforms</c> accepts.</summary>
    private static readonly IReadOnlyDictionary<string, Architecture> Known = new Dictionary<string, Architecture>(StringComparer.OrdinalIgnoreCase)
    {
        ["linux/amd64"] = Architecture.Amd64,
        ["linux/x86_64"] = Architecture.Amd64,
        ["linux/arm64"] = Architecture.Arm64,
        ["linux/arm64/v8"] = Architecture.Arm64,
        ["linux/aarch64"] = Architecture.Arm64,
    };

    /// <summary>Reads the configured platforms; <see cref="PlatformListValidator"/> has checked them at start.</summary>
    public ImagePlatforms(IOptions<NixeryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.Platforms;
        All = configured.Count == 0
            ? [Host]
            : [.. configured.Select(name => TryParse(name, out var platform) ? platform : throw new ArgumentException($"unknown platform '{name}'", nameof(options)))];
    }

    /// <summary>Every platform, the first being the default.</summary>
    public IReadOnlyList<Architecture> All { get; }

    /// <summary>The platform of a single manifest for a name without a platform: the first configured.</summary>
    public Architecture Default => All[0];

    /// <summary>Whether a name without a platform answers an index.</summary>
    public bool IsMultiPlatform => All.Count > 1;

    /// <summary>The platform this process runs on (amd64 unless it runs on 64-bit ARM).</summary>
    public static Architecture Host => RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64
        ? Architecture.Arm64
        : Architecture.Amd64;

    /// <summary>The platform named <paramref name="name"/> (<c>linux/amd64</c>, <c>linux/arm64</c>, <c>linux/arm64/v8</c>, …).</summary>
    public static bool TryParse(string? name, out Architecture platform) =>
        Known.TryGetValue(name?.Trim() ?? "", out platform!);

    /// <summary>The names <see cref="TryParse"/> accepts, for messages.</summary>
    public static IEnumerable<string> KnownNames => Known.Keys;
}
