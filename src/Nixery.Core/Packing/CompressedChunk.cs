namespace Nixery.Core.Packing;

/// <summary>One compressed member.</summary>
/// <param name="Buffer">Holds the member in its first <paramref name="Length"/> bytes.</param>
/// <param name="Length">The member's length.</param>
/// <param name="Pooled">Whether the buffer goes back to <see cref="System.Buffers.ArrayPool{T}.Shared"/> once written.</param>
internal readonly record struct CompressedChunk(byte[] Buffer, int Length, bool Pooled = true);
