using Microsoft.Extensions.Options;

namespace Nixery.Core.Nix;

/// <summary>Checks <see cref="NixOptions"/> at start; messages name the setting by its configuration key.</summary>
internal sealed class NixOptionsValidator(string section) : IValidateOptions<NixOptions>
{
    public ValidateOptionsResult Validate(string? name, NixOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != Timeout.InfiniteTimeSpan)
            failures.Add($"{section}:Timeout must be positive (or infinite, -00:00:00.001), not {options.Timeout}");
        if (options.BuildTimeout <= TimeSpan.Zero && options.BuildTimeout != Timeout.InfiniteTimeSpan)
            failures.Add($"{section}:BuildTimeout must be positive (or infinite, -00:00:00.001), not {options.BuildTimeout}");
        if (options.Substituters.Any(s => string.IsNullOrWhiteSpace(s) || s.Any(char.IsWhiteSpace)))
            failures.Add($"{section}:Substituters must be store URIs without spaces, not [{string.Join(", ", options.Substituters)}]");
        if (options.ExtraPlatforms.Any(s => string.IsNullOrWhiteSpace(s) || s.Any(char.IsWhiteSpace)))
            failures.Add($"{section}:ExtraPlatforms must be Nix systems without spaces (e.g. aarch64-linux), not [{string.Join(", ", options.ExtraPlatforms)}]");
        if (string.IsNullOrWhiteSpace(options.StateDirectory))
            failures.Add($"{section}:StateDirectory must name a directory");
        if (options.MaxErrorOutputLength < 1)
            failures.Add($"{section}:MaxErrorOutputLength must be positive, not {options.MaxErrorOutputLength}");
        if (options.NixBinDirectory is { Length: > 0 } bin && !Directory.Exists(bin))
            failures.Add($"{section}:NixBinDirectory '{bin}' does not exist");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
