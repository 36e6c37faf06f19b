using Microsoft.Extensions.Options;

namespace Nixery.Core.Storage;

/// <summary>
/// Checks <see cref="FileSystemStorageOptions"/> at start: a path that is given names a directory that exists or can be
/// created (it is created here, as the backend would on its first use), and the stale staging age is positive. An empty
/// path is no error here: another backend may be in use (without one, the engine says that none is configured).
/// </summary>
internal sealed class FileSystemStorageOptionsValidator(string section) : IValidateOptions<FileSystemStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemStorageOptions options)
    {
        var failures = new List<string>();
        if (options.StaleStagingAge <= TimeSpan.Zero)
            failures.Add($"{section}:StaleStagingAge must be positive, not {options.StaleStagingAge}");
        if (!string.IsNullOrWhiteSpace(options.Path))
        {
            try
            {
                Directory.CreateDirectory(options.Path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                failures.Add($"{section}:Path '{options.Path}' cannot be created: {exception.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
