using Nixery.Abstractions.Building;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Referrers;

/// <summary>One entry of a referrers list: the descriptor of an artifact manifest whose <c>subject</c> is the listed digest.</summary>
/// <param name="MediaType">The artifact manifest's media type.</param>
/// <param name="Digest">The artifact manifest's digest.</param>
/// <param name="Size">The artifact manifest's size in bytes.</param>
/// <param name="ArtifactType">Its <c>artifactType</c>.</param>
/// <param name="Annotations">Its <c>annotations</c>.</param>
public sealed record ReferrerDescriptor(string MediaType, Digest Digest, long Size, string ArtifactType, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The descriptor of <paramref name="referrer"/>'s manifest.</summary>
    public static ReferrerDescriptor Of(ImageReferrer referrer)
    {
        ArgumentNullException.ThrowIfNull(referrer);
        return new(referrer.Manifest.MediaType, referrer.Manifest.Digest, referrer.Manifest.Size, referrer.ArtifactType, referrer.Annotations);
    }
}
