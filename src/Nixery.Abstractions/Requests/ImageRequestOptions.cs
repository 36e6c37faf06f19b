namespace Nixery.Abstractions.Requests;

/// <summary>How image names become package lists.</summary>
public sealed class ImageRequestOptions
{
    /// <summary>Packages added to every image (certificates and /etc/services by default).</summary>
    public IList<string> AlwaysIncludedPackages { get; set; } = ["cacert", "iana-etc"];

    /// <summary>What the <c>shell</c> meta-package expands to.</summary>
    public IList<string> ShellPackages { get; set; } = ["bashInteractive", "coreutils", "moreutils", "nano"];
}
