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
/// <c>/bin/env</c> resolves to an existing file; otherwise to the first <c>bin/env</c> of the closure (in store-path
/// order), otherwise to the first <c>bin/busybox</c> of the closure (busybox runs its applet named by the link), and is
/// absent when the closure has neither. A linked <c>/usr</c> or <c>/usr/bin</c> is then turned into a real directory of
/// links so that the entry has real parents.</item>
/// <item>The baseline (<see cref="BaselineFiles"/>): <c>/etc/passwd</c>, <c>/etc/group</c> and <c>/etc/nsswitch.conf</c>
/// where no package has them (a package's own file wins, so that a package meant to provide them can), a linked
/// <c>/etc</c> being expanded like <c>/usr</c> so that packages' <c>/etc/ssl</c> and <c>/etc/services</c> stay;
/// <c>/root</c> (mode 0700) where no package has it; for a non-root image <c>/home/nonroot</c>, owned by 65532:65532.</item>
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

    /// <summary>The entries of the layer, in archive order.</summary>
    /// <param name="sortedTopLevelPaths">The image's top-level store paths, ordinally sorted.</param>
    /// <param name="closurePaths">Every store path of the image, where an <c>env</c> is looked for when the packages have none.</param>
    /// <param name="nonRoot">Whether the image gets the <c>nonroot</c> user, group and home.</param>
    /// <param name="logger">Where conflicts are reported.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public static List<TarEntry> Build(
        IReadOnlyList<string> sortedTopLevelPaths, IEnumerable<string> closurePaths, bool nonRoot, ILogger logger, CancellationToken cancellationToken)
    {
        var packages = sortedTopLevelPaths.Where(IsRealDirectory).ToList();
        var root = Merge(packages, "", logger, cancellationToken);

        if (root.Children.TryGetValue("tmp", out var existingTmp) && existingTmp is not DirNode { Mode: TmpMode })
            LogOverridden(logger, "/tmp");
        root.Children["tmp"] = new DirNode(TmpMode);

        AddBaseline(root, nonRoot, logger);

        if (!Resolves(root, "usr/bin/env") && EnvTarget(root, closurePaths) is { } envTarget)
        {
            var usr = Materialize(root, "usr", logger);
            var usrBin = usr is null ? null : Materialize(usr, "bin", logger);
            if (usrBin is not null && !usrBin.Children.ContainsKey("env")) usrBin.Children["env"] = new LinkNode(envTarget);
        }

        var entries = new List<TarEntry>();
        Flatten(root, "", entries);
        TarEntries.Sort(entries);
        return entries;
    }

    private static void AddBaseline(DirNode root, bool nonRoot, ILogger logger)
    {
        if (Materialize(root, "etc", logger) is { } etc)
        {
            foreach (var (name, content) in BaselineFiles.Etc(nonRoot))
            {
                if (etc.Children.ContainsKey(name)) LogKept(logger, "/etc/" + name);
                else etc.Children[name] = new FileNode(BaselineFiles.FileMode, content);
            }
        }

        if (!root.Children.ContainsKey("root")) root.Children["root"] = new DirNode(BaselineFiles.RootHomeMode);
        if (!nonRoot) return;
        var home = Materialize(root, "home", logger);
        var user = Path.GetFileName(BaselineFiles.NonRootHome);
        if (home is null) return;
        if (home.Children.ContainsKey(user)) LogOverridden(logger, "/" + BaselineFiles.NonRootHome);
        home.Children[user] = new DirNode(DirectoryMode, BaselineFiles.NonRootId);
    }

    /// <summary>What <c>/usr/bin/env</c> links to: the merged <c>/bin/env</c>, else an <c>env</c> or a busybox of the closure.</summary>
    private static string? EnvTarget(DirNode root, IEnumerable<string> closurePaths)
    {
        if (Resolves(root, "bin/env")) return "/bin/env";
        var sorted = closurePaths.Order(StringComparer.Ordinal).ToList();
        return sorted.Select(p => p + "/bin/env").FirstOrDefault(File.Exists)
            ?? sorted.Select(p => p + "/bin/busybox").FirstOrDefault(File.Exists);
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
                    entries.Add(TarEntry.Directory(path, sub.Mode, sub.Owner));
                    Flatten(sub, path, entries);
                    break;
                case FileNode file:
                    entries.Add(TarEntry.InMemory(path, file.Mode, file.Content));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Symlink layer: {Path} is taken from the packages instead of the baseline's")]
    private static partial void LogKept(ILogger logger, string path);

    private abstract class Node;

    private sealed class DirNode(int mode, int owner = 0) : Node
    {
        public int Mode { get; } = mode;
        public int Owner { get; } = owner;
        public SortedDictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);
    }

    private sealed class FileNode(int mode, byte[] content) : Node
    {
        public int Mode { get; } = mode;
        public byte[] Content { get; } = content;
    }

    private sealed class LinkNode(string target) : Node
    {
        public string Target { get; } = target;
    }
}
