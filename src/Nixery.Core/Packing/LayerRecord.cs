namespace Nixery.Core.Packing;

/// <summary>The layer index entry stored as <c>layers/&lt;key&gt;.json</c>: a packed layer and what it was packed from.</summary>
/// <param name="Digest">The blob's digest.</param>
/// <param name="DiffId">The digest of the uncompressed tar.</param>
/// <param name="Size">The blob's size.</param>
/// <param name="Paths">The store paths packed.</param>
/// <param name="Contents">What the image history says it holds.</param>
/// <param name="Annotations">The descriptor annotations of the layer in manifests (eStargz's TOC digest and size), if any.</param>
internal sealed record LayerRecord(
    string Digest, string DiffId, long Size, IReadOnlyList<string> Paths, IReadOnlyList<string> Contents,
    IReadOnlyDictionary<string, string>? Annotations = null);
