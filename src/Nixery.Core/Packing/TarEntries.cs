using Microsoft.Extensions.Logging;

namespace Nixery.Core.Packing;

/// <summary>Collects the entries of a store-path layer from disk and puts entries into archive order.</summary>
internal static partial class TarEntries
{
    /// <summary>Mode of the directories that lead to an input path (<c>nix/</c>, <c>nix/store/</c>).</summary>
    public const int ParentDirectoryMode = 0b111_101_101;

    private static readonly EnumerationOptions ListOneDirectory = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// Ordinal order of full paths. A parent's name is a prefix of its children's names, so it always comes first.
    /// </summary>
    public static void Sort(List<TarEntry> entries) => entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));

    /// <summary>
    /// The entries of the given absolute paths (files, directories or symlinks), recursively, plus their parent
    /// directories, each name once (the first wins), in archive order. Symlinks are never followed.
    /// </summary>
    public static List<TarEntry> ForPaths(IEnumerable<string> absolutePaths, ILogger logger, CancellationToken cancellationToken)
    {
        var byName = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        foreach (var path in absolutePaths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = path.TrimStart('/');
            AddPath(byName, path, name, logger, cancellationToken);
            for (var slash = name.LastIndexOf('/'); slash > 0; slash = name.LastIndexOf('/', slash - 1))
                byName.TryAdd(name[..slash], TarEntry.Directory(name[..slash], ParentDirectoryMode));
        }

        var entries = byName.Values.ToList();
        Sort(entries);
        return entries;
    }

    private static void AddPath(Dictionary<string, TarEntry> byName, string path, string name, ILogger logger, CancellationToken cancellationToken)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists && Directory.Exists(path)) info = new DirectoryInfo(path);
        if (!info.Exists && info.LinkTarget is null) throw new FileNotFoundException($"'{path}' does not exist", path);
        Add(byName, info, name, logger, cancellationToken);
    }

    private static void Add(Dictionary<string, TarEntry> byName, FileSystemInfo info, string name, ILogger logger, CancellationToken cancellationToken)
    {
        if (byName.ContainsKey(name)) return;
        if ((info.Attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is { } target)
        {
            byName.Add(name, TarEntry.Symlink(name, target));
        }
        else if (info is DirectoryInfo directory)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byName.Add(name, TarEntry.Directory(name, (int)directory.UnixFileMode));
            foreach (var child in directory.EnumerateFileSystemInfos("*", ListOneDirectory))
                Add(byName, child, name + "/" + child.Name, logger, cancellationToken);
        }
        else if (info is FileInfo file)
        {
            // A hard link is read like any regular file: its content is written again.
            byName.Add(name, TarEntry.File(name, (int)file.UnixFileMode, file.Length, file.FullName));
        }
        else
        {
            LogSkipped(logger, info.FullName);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {Path}: neither a directory, a regular file nor a symlink")]
    private static partial void LogSkipped(ILogger logger, string path);
}
