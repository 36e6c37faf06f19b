using Microsoft.Extensions.Options;

namespace Nixery.AspNetCore.Registry;

/// <summary>Checks <see cref="NixeryRegistryOptions"/>; messages name the setting by its configuration key.</summary>
internal sealed class NixeryRegistryOptionsValidator(string section = "Nixery:Registry") : IValidateOptions<NixeryRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, NixeryRegistryOptions options)
    {
        var failures = new List<string>();
        if (options.RecentBuildLifetime < TimeSpan.Zero)
            failures.Add($"{section}:RecentBuildLifetime must be zero (off) or positive, not {options.RecentBuildLifetime}");
        if (options.MaxRecentBuilds < 1)
            failures.Add($"{section}:MaxRecentBuilds must be at least 1, not {options.MaxRecentBuilds}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> are not valid.</summary>
    public static void ThrowIfInvalid(NixeryRegistryOptions options)
    {
        var result = new NixeryRegistryOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed) throw new OptionsValidationException(Options.DefaultName, typeof(NixeryRegistryOptions), result.Failures);
    }
}
