using Microsoft.AspNetCore.Authentication;

namespace Nixery.EmbeddedApp.Authentication;

/// <summary>
/// Options of <see cref="BasicAuthenticationHandler"/>: the realm named in the challenge and the users allowed in.
/// </summary>
/// <remarks>
/// Users and passwords in configuration are for a sample. A real app authenticates registry clients against its own
/// identity system (ASP.NET Core Identity, an identity provider's tokens, personal access tokens), checking hashed
/// secrets, and keeps only the challenge and the registry's error form from here.
/// </remarks>
public sealed class BasicAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The realm in <c>WWW-Authenticate: Basic realm="…"</c>.</summary>
    public string Realm { get; set; } = "Nixery";

    /// <summary>User names and their passwords (configuration section <c>Users</c>, e.g. <c>Users:alice</c>).</summary>
    public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal);
}
