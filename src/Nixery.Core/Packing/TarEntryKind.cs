namespace Nixery.Core.Packing;

/// <summary>The kinds of entry a layer holds. Hard links are written as regular files.</summary>
internal enum TarEntryKind
{
    Directory,
    RegularFile,
    Symlink,
}
