using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Storage;

namespace Nixery.Abstractions.Building;

/// <summary>A packed layer: its compressed blob, the digest of its uncompressed tar, and what it holds.</summary>
/// <param name="Digest">SHA-256 of the gzip-compressed tar, the blob's name.</param>
/// <param name="DiffId">SHA-256 of the uncompressed tar, listed in the image config.</param>
/// <param name="Size">Compressed size in bytes.</param>
/// <param name="Contents">What it holds, for the image history: store path names, or a description.</param>
/// <param name="Annotations">Annotations of its descriptor in OCI manifests, e.g. the digest of an eStargz table of contents.</param>
/// <param name="MediaType">Its OCI media type, which says how it is compressed: gzip (eStargz is gzip too) or zstd.</param>
public sealed record LayerDescriptor(
    Digest Digest, Digest DiffId, long Size, IReadOnlyList<string> Contents, IReadOnlyDictionary<string, string>? Annotations = null,
    string MediaType = MediaTypes.OciLayerGzip);
