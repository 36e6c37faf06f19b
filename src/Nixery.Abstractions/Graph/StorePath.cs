namespace Nixery.Abstractions.Graph;

/// <summary>One path of a runtime closure, as Nix reports it.</summary>
/// <param name="Path">The store path, e.g. <c>/nix/store/abc…-hello-2.12</c>.</param>
/// <param name="NarSize">The size of its NAR serialisation in bytes.</param>
/// <param name="References">The store paths it refers to at run time (a self-reference may be included).</param>
public sealed record StorePath(string Path, long NarSize, IReadOnlyList<string> References)
{
    /// <summary>The name part of a store path: <c>/nix/store/abc…-hello-2.12</c> gives <c>hello-2.12</c>.</summary>
    public string Name => NameOf(Path);

    /// <summary>Strips the store directory and hash from a store path.</summary>
    public static string NameOf(string path)
    {
        var slash = path.LastIndexOf('/');
        var baseName = slash >= 0 ? path[(slash + 1)..] : path;
        var dash = baseName.IndexOf('-');
        return dash >= 0 ? baseName[(dash + 1)..] : baseName;
    }
}
