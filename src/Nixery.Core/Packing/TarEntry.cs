namespace Nixery.Core.Packing;

/// <summary>One entry of a layer, before it is written: metadata only, file content is read while writing.</summary>
/// <param name="Name">Relative path without leading or trailing slash, e.g. <c>nix/store/abc-hello/bin/hello</c>.</param>
/// <param name="Kind">Directory, regular file or symlink.</param>
/// <param name="Mode">Permission bits (including setuid, setgid and sticky: <c>07777</c>).</param>
/// <param name="Size">Content length of a regular file; 0 otherwise.</param>
/// <param name="SourcePath">Absolute path of the file whose content is written, for regular files.</param>
/// <param name="LinkTarget">Target of a symlink, verbatim.</param>
/// <param name="Content">The content of a regular file made in memory (eStargz's landmark and table of contents), instead of <paramref name="SourcePath"/>.</param>
/// <param name="Owner">Numeric user and group id; root (0) for everything but the baseline's non-root home.</param>
internal sealed record TarEntry(
    string Name, TarEntryKind Kind, int Mode, long Size = 0, string? SourcePath = null, string? LinkTarget = null, byte[]? Content = null,
    int Owner = 0)
{
    public static TarEntry Directory(string name, int mode, int owner = 0) => new(name, TarEntryKind.Directory, mode, Owner: owner);

    public static TarEntry Symlink(string name, string target) => new(name, TarEntryKind.Symlink, 0b111_111_111, LinkTarget: target);

    public static TarEntry File(string name, int mode, long size, string sourcePath) =>
        new(name, TarEntryKind.RegularFile, mode, size, sourcePath);

    public static TarEntry InMemory(string name, int mode, byte[] content) =>
        new(name, TarEntryKind.RegularFile, mode, content.Length, Content: content);
}
