using Microsoft.Extensions.Options;

namespace Nixery.Core;

/// <summary>Checks <see cref="NixeryRegistryOptions"/>; messages name the setting by its configuration key.</summary>
internal sealed class NixeryRegistryOptionsValidator(string section) : IValidateOptions<NixeryRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, NixeryRegistryOptions options)
    {
        var failures = new List<string>();
        if (options.RecentBuildLifetime < TimeSpan.Zero)
            failures.Add($"{section}:RecentBuildLifetime must be zero (off) or positive, not {options.RecentBuildLifetime}");
        if (options.MaxRecentBuilds < 1)
            failures.Add($"{section}:MaxRecentBuilds must be at least 1, not {options.MaxRecentBuilds}");
        if (options.MaxTagsPerPage < 1)
            failures.Add($"{section}:MaxTagsPerPage must be at least 1, not {options.MaxTagsPerPage}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
