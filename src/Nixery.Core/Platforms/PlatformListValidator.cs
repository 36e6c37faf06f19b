using Microsoft.Extensions.Options;

namespace Nixery.Core.Platforms;

/// <summary>
/// Checks <see cref="NixeryOptions.Platforms"/> at start: every entry a platform Nixery builds for, none twice (also
/// under another spelling, as <c>linux/arm64</c> and <c>linux/arm64/v8</c>); messages name the entry by its key.
/// </summary>
internal sealed class PlatformListValidator(string section) : IValidateOptions<NixeryOptions>
{
    public ValidateOptionsResult Validate(string? name, NixeryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var seen = new Dictionary<Abstractions.Requests.Architecture, string>();
        for (var i = 0; i < options.Platforms.Count; i++)
        {
            var entry = options.Platforms[i];
            if (!ImagePlatforms.TryParse(entry, out var platform))
                failures.Add($"{section}:Platforms:{i} '{entry}' is not a platform Nixery builds for (known: {string.Join(", ", ImagePlatforms.KnownNames)})");
            else if (!seen.TryAdd(platform, entry))
                failures.Add($"{section}:Platforms:{i} '{entry}' repeats '{seen[platform]}'");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
