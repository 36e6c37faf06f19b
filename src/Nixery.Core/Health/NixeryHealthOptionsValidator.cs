using Microsoft.Extensions.Options;

namespace Nixery.Core.Health;

/// <summary>Checks <see cref="NixeryHealthOptions"/> at start; messages name the setting by its configuration key.</summary>
internal sealed class NixeryHealthOptionsValidator(string section) : IValidateOptions<NixeryHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, NixeryHealthOptions options)
    {
        var failures = new List<string>();
        if (options.MinimumFreeBytes < 0)
            failures.Add($"{section}:MinimumFreeBytes must be 0 or more bytes, not {options.MinimumFreeBytes}");
        if (options.CacheDuration < TimeSpan.Zero)
            failures.Add($"{section}:CacheDuration must not be negative, not {options.CacheDuration}");
        if (string.IsNullOrWhiteSpace(options.NixStoreDirectory))
            failures.Add($"{section}:NixStoreDirectory must name a directory");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
