namespace Nixery.LayerEconomy.Simulation;

/// <summary>
/// What a store path's files are, for file-level partial pulls: the path itself names its content, except a path that
/// an update rebuilt only because a dependency changed, whose files are those of <paramref name="Base"/> but for the
/// ones that embed the changed dependencies' store paths.
/// </summary>
/// <param name="Base">The previous generation's store path of a path rebuilt only for its dependencies, else null.</param>
public sealed record PathContent(string? Base);
