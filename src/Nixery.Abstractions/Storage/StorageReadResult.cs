namespace Nixery.Abstractions.Storage;

/// <summary>An object opened for reading: its bytes from the requested offset on, and its whole length.</summary>
/// <param name="Content">The bytes from the offset to the end; the caller disposes it.</param>
/// <param name="Length">The length of the whole object in bytes, whatever the offset.</param>
public sealed record StorageReadResult(Stream Content, long Length);
