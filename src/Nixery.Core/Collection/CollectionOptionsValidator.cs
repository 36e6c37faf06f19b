using Microsoft.Extensions.Options;

namespace Nixery.Core.Collection;

/// <summary>Names settings of <c>Nixery:Collection</c> that cannot work.</summary>
internal sealed class CollectionOptionsValidator(string section) : IValidateOptions<CollectionOptions>
{
    public ValidateOptionsResult Validate(string? name, CollectionOptions options)
    {
        var failures = new List<string>();
        if (options.Retention <= TimeSpan.Zero) failures.Add($"{section}:Retention must be positive, not {options.Retention}");
        if (options.GracePeriod < TimeSpan.Zero) failures.Add($"{section}:GracePeriod must be zero or positive, not {options.GracePeriod}");
        if (options.Interval is { } interval && interval <= TimeSpan.Zero)
            failures.Add($"{section}:Interval must be positive (or unset, for no scheduled collection), not {interval}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
