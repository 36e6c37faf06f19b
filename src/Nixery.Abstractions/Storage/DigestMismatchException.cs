namespace Nixery.Abstractions.Storage;

/// <summary>Bytes written to a blob store did not hash to the digest they were to be stored under.</summary>
public sealed class DigestMismatchException(Digest expected, Digest actual)
    : NixeryException($"content hashes to {actual}, not to the expected {expected}; nothing was stored")
{
    /// <summary>The digest the writer announced.</summary>
    public Digest Expected { get; } = expected;

    /// <summary>The digest of what was written.</summary>
    public Digest Actual { get; } = actual;
}
