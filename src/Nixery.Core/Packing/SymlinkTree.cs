using Microsoft.Extensions.Logging;

namespace Nixery.Core.Packing;

/// <summary>
/// Builds the entries of the symlink layer: the top-level packages' trees merged into the root filesystem, like
/// nixpkgs' buildEnv.
/// </summary>
/// <remarks>
/// Rules, applied from <c>/</c> downwards, with packages taken in ordinal store-path order:
/// <list type="bullet">
/// <item>A name that only one package has (or whose first provider has a file or symlink there) becomes a symlink to
/// that package's path: <c>/share -> /nix/store/…-x/share</c>, <c>/bin/hello -> /nix/store/…-hello/bin/hello</c>.</item>
/// <item>A name that several packages have as directories becomes a real directory (mode 0755) whose children are
/// merged by the same rules.</item>
/// <item>On a conflict (a name whose providers are not all directories) the first package wins; the others are logged.</item>
/// <item>Symlinks inside packages are leaves: never followed while merging.</item>
/// <item><c>/tmp</c> is a real directory with mode 1777. <c>/usr/bin/env</c> is a symlink to <c>/bin/env</c> when the merged
/// <c>/bin/env</c> resolves to an existing file; a linked <c>/usr</c> or <c>/usr/bin</c> is then turned into a real
/// directory of links so that the entry has real parents.</item>
/// <item>Top-level paths that are not directories (single files, symlinks) contribute nothing.</item>
/// </list>
/// </remarks>
internal static partial class SymlinkTree
{
    public const int DirectoryMode = 0b111_101_101;
    public const int TmpMode = 0b1_111_111_111; // 1777: sticky, world-writable

    private static readonly EnumerationOptions ListOneDirectory = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    public static List<TarEntry> Build(IReadOnlyList<string> sortedTopLevelPaths, ILogger logger, CancellationToken cancellationToken)
    {
        var packages = sortedTopLevelPaths.Where(IsRealDirectory).ToList();
        var root = Merge(packages, "", logger, cancellationToken);

        if (root.Children.TryGetValue("tmp", out var existingTmp) && existingTmp is not DirNode { Mode: TmpMode })
            LogOverridden(logger, "/tmp");
        root.Children["tmp"] = new DirNode(TmpMode);

        if (Resolves(root, "bin/env") && !Resolves(root, "usr/bin/env"))
        {
            var usr = Materialize(root, "usr", logger);
            var usrBin = usr is null ? null : Materialize(usr, "bin", logger);
            if (usrBin is not null && !usrBin.Children.ContainsKey("env")) usrBin.Children["env"] = new LinkNode("/bin/env");
        }

        var entries = new List<TarEntry>();
        Flatten(root, "", entries);
        TarEntries.Sort(entries);
        return entries;
    }

    private static bool IsRealDirectory(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists && (info.Attributes & FileAttributes.ReparsePoint) == 0;
    }

    private static DirNode Merge(IReadOnlyList<string> sources, string relative, ILogger logger, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var providers = new SortedDictionary<string, List<(string Path, bool IsDirectory)>>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var child in new DirectoryInfo(source).EnumerateFileSystemInfos("*", ListOneDirectory))
            {
                var isDirectory = child is DirectoryInfo && (child.Attributes & FileAttributes.ReparsePoint) == 0;
                if (!providers.TryGetValue(child.Name, out var list)) providers.Add(child.Name, list = []);
                list.Add((source + "/" + child.Name, isDirectory));
            }
        }

        var node = new DirNode(DirectoryMode);
        foreach (var (name, list) in providers)
        {
            var path = relative + "/" + name;
            var winner = list[0];
            if (!winner.IsDirectory)
            {
                node.Children[name] = new LinkNode(winner.Path);
                for (var i = 1; i < list.Count; i++) LogConflict(logger, path, winner.Path, list[i].Path);
                continue;
            }

            var directories = new List<string>();
            foreach (var provider in list)
            {
                if (provider.IsDirectory) directories.Add(provider.Path);
                else LogConflict(logger, path, winner.Path, provider.Path);
            }

            node.Children[name] = directories.Count == 1
                ? new LinkNode(directories[0])
                : Merge(directories, path, logger, cancellationToken);
        }

        return node;
    }

    /// <summary>Whether a path of the merged tree leads, through its links, to an existing file.</summary>
    private static bool Resolves(DirNode root, string relative)
    {
        Node current = root;
        var parts = relative.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            switch (current)
            {
                case DirNode dir when dir.Children.TryGetValue(parts[i], out var child):
                    current = child;
                    break;
                case DirNode:
                    return false;
                case LinkNode link:
                    return File.Exists(link.Target + "/" + string.Join('/', parts[i..]));
            }
        }

        return current is LinkNode last && File.Exists(last.Target);
    }

    /// <summary>Makes <paramref name="name"/> a real directory of <paramref name="parent"/>, expanding a link to a directory into links to its children.</summary>
    private static DirNode? Materialize(DirNode parent, string name, ILogger logger)
    {
        if (!parent.Children.TryGetValue(name, out var node))
        {
            var created = new DirNode(DirectoryMode);
            parent.Children[name] = created;
            return created;
        }

        if (node is DirNode dir) return dir;
        var target = ((LinkNode)node).Target;
        if (!IsRealDirectory(target))
        {
            LogOverridden(logger, target);
            return null;
        }

        var expanded = new DirNode(DirectoryMode);
        foreach (var child in new DirectoryInfo(target).EnumerateFileSystemInfos("*", ListOneDirectory))
            expanded.Children[child.Name] = new LinkNode(target + "/" + child.Name);
        parent.Children[name] = expanded;
        return expanded;
    }

    private static void Flatten(DirNode dir, string prefix, List<TarEntry> entries)
    {
        foreach (var (name, child) in dir.Children)
        {
            var path = prefix.Length == 0 ? name : prefix + "/" + name;
            switch (child)
            {
                case DirNode sub:
                    entries.Add(TarEntry.Directory(path, sub.Mode));
                    Flatten(sub, path, entries);
                    break;
                case LinkNode link:
                    entries.Add(TarEntry.Symlink(path, link.Target));
                    break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Symlink layer: {Path} is taken from {Winner}; {Loser} also provides it and is ignored")]
    private static partial void LogConflict(ILogger logger, string path, string winner, string loser);

    [LoggerMessage(Level = LogLevel.Information, Message = "Symlink layer: {Path} from the packages is replaced or not extended by the layer's own entry")]
    private static partial void LogOverridden(ILogger logger, string path);

    private abstract class Node;

    private sealed class DirNode(int mode) : Node
    {
        public int Mode { get; } = mode;
        public SortedDictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);
    }

    private sealed class LinkNode(string target) : Node
    {
        public string Target { get; } = target;
    }
}
