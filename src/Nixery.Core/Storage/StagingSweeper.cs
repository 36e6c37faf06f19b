using Microsoft.Extensions.Logging;

namespace Nixery.Core.Storage;

/// <summary>
/// Deletes staging files older than <see cref="FileSystemStorageOptions.StaleStagingAge"/>: those of writers whose
/// process died before committing or disposing. Files younger than the age are never touched, nor anything but
/// regular <c>*.tmp</c> files directly in the staging directory (the only thing the store puts there). Failures are
/// logged and never thrown: a sweep that cannot delete a file leaves it for the next one.
/// </summary>
internal sealed partial class StagingSweeper
{
    private static readonly EnumerationOptions StagingFiles = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Directory,
        IgnoreInaccessible = true,
        MatchType = MatchType.Simple,
    };

    private readonly string _directory;
    private readonly TimeSpan _age;
    private readonly TimeProvider _time;
    private readonly Action<string> _delete;
    private readonly ILogger _logger;

    public StagingSweeper(string directory, TimeSpan age, TimeProvider time, Action<string> delete, ILogger logger)
    {
        _directory = directory;
        _age = age;
        _time = time;
        _delete = delete;
        _logger = logger;
    }

    /// <summary>Deletes the stale staging files; returns how many were deleted.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; what was deleted so far is logged.</exception>
    public int Sweep(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        // A huge age (TimeSpan.MaxValue) would take the cutoff before year 1: nothing is that old.
        var cutoff = now - DateTime.MinValue > _age ? now - _age : DateTime.MinValue;
        int files = 0, failures = 0;
        long bytes = 0;
        try
        {
            foreach (var file in new DirectoryInfo(_directory).EnumerateFiles("*.tmp", StagingFiles))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    // Enumeration data may be stale, and a vanished file reads as written in 1601: look again.
                    file.Refresh();
                    if (!file.Exists || file.LastWriteTimeUtc >= cutoff) continue;
                    var length = file.Length;
                    _delete(file.FullName);
                    files++;
                    bytes += length;
                }
                catch (FileNotFoundException)
                {
                    // Deleted meanwhile, by its writer or by another instance sweeping the same store.
                    LogStagingFileVanished(_logger, file.FullName);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failures++;
                    LogStagingFileNotDeleted(_logger, e, file.FullName);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory itself could not be read (removed, or no permission): the store's writes will say so.
            failures++;
            LogStagingNotSwept(_logger, e, _directory);
        }
        finally
        {
            if (files > 0) NixeryDiagnostics.StagingFilesSwept.Add(files);
            LogSwept(_logger, files, bytes, failures, _age, _directory);
        }

        return files;
    }

    private static void LogSwept(ILogger logger, int files, long bytes, int failures, TimeSpan age, string directory)
    {
        if (files > 0 || failures > 0)
            LogStagingSwept(logger, files, bytes, failures, age, directory);
        else
            LogStagingClean(logger, age, directory);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Swept {StagingFileCount} stale staging files ({StagingBytes} bytes) older than {StaleStagingAge} from {StagingDirectory}; {StagingFailureCount} could not be deleted")]
    private static partial void LogStagingSwept(ILogger logger, int stagingFileCount, long stagingBytes, int stagingFailureCount, TimeSpan staleStagingAge, string stagingDirectory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No staging files older than {StaleStagingAge} in {StagingDirectory}")]
    private static partial void LogStagingClean(ILogger logger, TimeSpan staleStagingAge, string stagingDirectory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stale staging file {StagingPath} vanished before it was swept")]
    private static partial void LogStagingFileVanished(ILogger logger, string stagingPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete stale staging file {StagingPath}")]
    private static partial void LogStagingFileNotDeleted(ILogger logger, Exception exception, string stagingPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sweep the staging directory {StagingDirectory}")]
    private static partial void LogStagingNotSwept(ILogger logger, Exception exception, string stagingDirectory);
}
