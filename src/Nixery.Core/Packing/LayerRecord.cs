namespace Nixery.Core.Packing;

/// <summary>The layer index entry stored as <c>layers/&lt;key&gt;.json</c>: a packed layer and what it was packed from.</summary>
internal sealed record LayerRecord(string Digest, string DiffId, long Size, IReadOnlyList<string> Paths, IReadOnlyList<string> Contents);
