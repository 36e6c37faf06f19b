namespace Nixery.Abstractions.Storage;

/// <summary>A stored blob.</summary>
public sealed record BlobInfo(Digest Digest, long Size);
