using System.Diagnostics;

namespace Nixery.Core.Nix;

/// <summary>The trace source for Nix calls, so a host's OpenTelemetry can pick them up.</summary>
public static class NixTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name: <c>Nixery.Core.Nix</c>.</summary>
    public const string ActivitySourceName = "Nixery.Core.Nix";

    internal static ActivitySource ActivitySource { get; } = new(ActivitySourceName);
}
