namespace Nixery.Core.Nix;

/// <summary>
/// A directory of indirect GC roots made by one build. While it exists, Nix's garbage collector keeps the roots'
/// closures; disposing deletes it (Nix drops the dangling registrations at its next collection).
/// </summary>
public sealed class GcRootLease : IAsyncDisposable
{
    private int _released;

    internal GcRootLease(string directory) => Directory = directory;

    /// <summary>The directory holding the root symlinks.</summary>
    public string Directory { get; }

    /// <summary>True once the roots are deleted.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Deletes the roots; safe to call more than once.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return ValueTask.CompletedTask;
        try
        {
            // Recursive delete removes the symlinks themselves, never what they point to.
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: the goal is reached.
        }
        return ValueTask.CompletedTask;
    }
}
