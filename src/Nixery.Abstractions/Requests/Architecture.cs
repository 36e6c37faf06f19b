namespace Nixery.Abstractions.Requests;

/// <summary>A target platform: the Nix system double and the OCI architecture name of the same machine.</summary>
/// <param name="NixSystem">The Nix system, e.g. <c>x86_64-linux</c>.</param>
/// <param name="OciArchitecture">The architecture in image configs and indexes, e.g. <c>amd64</c>.</param>
public sealed record Architecture(string NixSystem, string OciArchitecture)
{
    /// <summary>The OCI <c>variant</c> of the architecture (<c>v8</c> for arm64), written in image configs and index entries; null for none.</summary>
    public string? OciVariant { get; init; }

    /// <summary>The platform as <c>Nixery:Platforms</c> and container tools' <c>--platform</c> name it: <c>linux/amd64</c>, <c>linux/arm64</c>.</summary>
    public string OciPlatform => $"linux/{OciArchitecture}";

    /// <summary>x86_64 Linux, the default.</summary>
    public static Architecture Amd64 { get; } = new("x86_64-linux", "amd64");

    /// <summary>64-bit ARM Linux, selected by the <c>arm64</c> meta-package.</summary>
    public static Architecture Arm64 { get; } = new("aarch64-linux", "arm64") { OciVariant = "v8" };
}
