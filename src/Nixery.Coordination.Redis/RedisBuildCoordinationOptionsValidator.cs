using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Nixery.Coordination.Redis;

/// <summary>Names every setting that cannot work, at start-up rather than at the first build.</summary>
internal sealed class RedisBuildCoordinationOptionsValidator : IValidateOptions<RedisBuildCoordinationOptions>
{
    private const string Section = "Nixery:Redis";

    public ValidateOptionsResult Validate(string? name, RedisBuildCoordinationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add($"{Section}:Configuration is required: the Redis server every replica shares, e.g. 'redis:6379'");
        }
        else
        {
            try
            {
                if (ConfigurationOptions.Parse(options.Configuration).EndPoints.Count == 0)
                    failures.Add($"{Section}:Configuration names no server (e.g. 'redis:6379')");
            }
            catch (ArgumentException exception)
            {
                // Not the value itself: it may hold a password.
                failures.Add($"{Section}:Configuration is not a StackExchange.Redis configuration: {exception.Message}");
            }
        }
        if (string.IsNullOrEmpty(options.KeyPrefix)) failures.Add($"{Section}:KeyPrefix must not be empty");
        if (options.LockExpiry < TimeSpan.FromSeconds(1))
            failures.Add($"{Section}:LockExpiry must be at least one second, not {options.LockExpiry}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
