namespace Nixery.AspNetCore.Registry;

/// <summary>
/// A path under <c>/v2/</c> split into repository name, kind and reference. Names contain slashes, so the kind is
/// found from the end: <c>shell/git/manifests/latest</c> is the manifest <c>latest</c> of <c>shell/git</c>.
/// </summary>
/// <param name="Kind">What the path addresses.</param>
/// <param name="Name">The repository name (not validated here).</param>
/// <param name="Reference">The tag or digest of a manifest, the digest of a blob or of a referrers subject; empty otherwise.</param>
internal readonly record struct RegistryPath(RegistryRouteKind Kind, string Name, string Reference)
{
    /// <summary>Splits <paramref name="path"/> (the part after <c>/v2/</c>).</summary>
    public static RegistryPath Parse(string? path)
    {
        if (string.IsNullOrEmpty(path)) return default;

        var last = path.LastIndexOf('/');
        if (last <= 0) return default;
        var reference = path[(last + 1)..];
        var rest = path[..last];

        var kindStart = rest.LastIndexOf('/');
        if (kindStart <= 0) return default;
        var kind = rest[(kindStart + 1)..];
        var name = rest[..kindStart];

        return kind switch
        {
            "manifests" when reference.Length > 0 => new(RegistryRouteKind.Manifest, name, reference),
            "blobs" when reference.Length > 0 => new(RegistryRouteKind.Blob, name, reference),
            "tags" when reference == "list" => new(RegistryRouteKind.TagList, name, ""),
            "referrers" when reference.Length > 0 => new(RegistryRouteKind.Referrers, name, reference),
            _ => new(RegistryRouteKind.Unknown, name, ""),
        };
    }
}
