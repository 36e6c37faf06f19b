using Microsoft.Extensions.Options;

namespace Nixery.Core.Storage;

/// <summary>
/// Checks <see cref="FileSystemStorageOptions"/> at start: the path is given and the directory exists or can be
/// created (it is created here, as the store would on its first use), and the stale staging age is positive.
/// </summary>
internal sealed class FileSystemStorageOptionsValidator(string section) : IValidateOptions<FileSystemStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemStorageOptions options)
    {
        var failures = new List<string>();
        if (options.StaleStagingAge <= TimeSpan.Zero)
            failures.Add($"{section}:StaleStagingAge must be positive, not {options.StaleStagingAge}");
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{section}:Path must name the directory that holds the blobs");
        }
        else
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
