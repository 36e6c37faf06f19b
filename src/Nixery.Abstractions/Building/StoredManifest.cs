using Nixery.Abstractions.Storage;

namespace Nixery.Abstractions.Building;

/// <summary>A manifest stored as a blob.</summary>
public sealed record StoredManifest(Digest Digest, string MediaType, long Size);
