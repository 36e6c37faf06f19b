namespace Nixery.EmbeddedApp.Authentication;

/// <summary>Names of the sample's basic authentication scheme and pull policy.</summary>
public static class BasicAuthenticationDefaults
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "Basic";

    /// <summary>The authorization policy the registry's routes require.</summary>
    public const string PullPolicy = "pull";
}
