using Microsoft.Extensions.Options;

namespace Nixery.Core.Storage;

/// <summary>
/// Checks <see cref="FileSystemStorageOptions"/> at start: the path is given and the directory exists or can be
/// created (it is created here, as the store would on its first use).
/// </summary>
internal sealed class FileSystemStorageOptionsValidator(string section) : IValidateOptions<FileSystemStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemStorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
            return ValidateOptionsResult.Fail($"{section}:Path must name the directory that holds the blobs");
        try
        {
            Directory.CreateDirectory(options.Path);
            return ValidateOptionsResult.Success;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return ValidateOptionsResult.Fail($"{section}:Path '{options.Path}' cannot be created: {exception.Message}");
        }
    }
}
