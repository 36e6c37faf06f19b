using Nixery.Abstractions.Graph;

namespace Nixery.Core.Nix;

/// <summary>
/// The packages were built (or already present): their runtime closure, protected from the garbage collector
/// until <see cref="DisposeAsync"/>. Dispose it once the closure's layers are packed.
/// </summary>
/// <param name="Graph">Every store path of the closure with its size and references; top-level paths in package order.</param>
/// <param name="Roots">The GC roots that keep <paramref name="Graph"/>'s paths alive.</param>
public sealed record RealisedClosure(RuntimeGraph Graph, GcRootLease Roots) : NixBuildOutcome, IAsyncDisposable
{
    /// <summary>Releases the GC roots.</summary>
    public ValueTask DisposeAsync() => Roots.DisposeAsync();
}
