namespace Nixery.AspNetCore.Registry;

/// <summary>What a path under <c>/v2/</c> addresses.</summary>
internal enum RegistryRouteKind
{
    /// <summary>Nothing this registry serves.</summary>
    Unknown,

    /// <summary><c>&lt;name&gt;/manifests/&lt;reference&gt;</c>.</summary>
    Manifest,

    /// <summary><c>&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
    Blob,

    /// <summary><c>&lt;name&gt;/tags/list</c>.</summary>
    TagList,

    /// <summary><c>&lt;name&gt;/referrers/&lt;digest&gt;</c> (distribution-spec 1.1).</summary>
    Referrers,
}
