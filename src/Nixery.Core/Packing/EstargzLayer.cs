using System.Globalization;
using System.Text;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Packing;

/// <summary>
/// Writes a layer in eStargz form (containerd/stargz-snapshotter's docs/estargz.md): an ordinary gzip tar in which each
/// non-empty file's content, and each chunk of a large file, starts a gzip member of its own, whose last entry is the
/// table of contents (<c>stargz.index.json</c>) and which ends in a 51-byte footer pointing at it. Clients that know the
/// format (podman with partial pulls, containerd's stargz snapshotter) fetch only the files they lack; every other client
/// pulls it as the tar.gz it is. Deterministic like every layer: the same entries give the same bytes.
/// </summary>
internal static class EstargzLayer
{
    /// <summary>The layer descriptor annotation with the digest of the TOC JSON, which clients check the TOC against.</summary>
    public const string TocDigestAnnotation = "containerd.io/snapshot/stargz/toc.digest";

    /// <summary>The layer descriptor annotation with the size of the uncompressed tar.</summary>
    public const string UncompressedSizeAnnotation = "io.containers.estargz.uncompressed-size";

    /// <summary>The footer's length: an empty gzip member whose Extra field holds the TOC's offset.</summary>
    public const int FooterSize = 51;

    private const int RegularFileMode = 0b110_100_100;

    /// <summary>Writes the landmark, the entries, the TOC and the footer.</summary>
    public static async Task WriteAsync(
        IEnumerable<TarEntry> entries, ChunkWriter chunks, CompressedMembers members, int chunkSize, CancellationToken cancellationToken)
    {
        using var index = new EstargzIndex(chunks, chunkSize);
        var tar = new DeterministicTarWriter(chunks, index);
        await tar.WriteEntryAsync(TarEntry.InMemory(EstargzIndex.NoPrefetchLandmarkName, RegularFileMode, [0x0f]), cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries) await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);

        // The TOC's tar header starts a member; the TOC can name offsets only once every member before it is written.
        await chunks.CutAsync(cancellationToken).ConfigureAwait(false);
        var tocMember = chunks.ChunksEmitted;
        var tocOffset = await members.LengthOfFirstAsync(tocMember).WaitAsync(cancellationToken).ConfigureAwait(false);
        var starts = members.Starts;
        var toc = index.Toc(member => starts[member]);

        var plain = new DeterministicTarWriter(chunks);
        await plain.WriteEntryAsync(TarEntry.InMemory(EstargzIndex.TocName, RegularFileMode, toc), cancellationToken).ConfigureAwait(false);
        await plain.FinishAsync(cancellationToken).ConfigureAwait(false);
        await chunks.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await members.AppendAsync(Footer(tocOffset), cancellationToken).ConfigureAwait(false);

        members.Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TocDigestAnnotation] = Digest.Of(toc).ToString(),
            [UncompressedSizeAnnotation] = chunks.Position.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The footer: a gzip header with FEXTRA (MTIME 0, OS 255), XLEN 26, subfield 'S' 'G' of 22 bytes holding
    /// <c>%016xSTARGZ</c> of the TOC's offset, an empty final stored deflate block, and a zero CRC-32 and ISIZE.
    /// </summary>
    internal static byte[] Footer(long tocOffset)
    {
        var footer = new byte[FooterSize];
        footer[0] = 0x1f;
        footer[1] = 0x8b;
        footer[2] = 8;    // deflate
        footer[3] = 4;    // FEXTRA
        footer[9] = GzipMembers.OsUnknown;
        footer[10] = 26;  // XLEN, little-endian
        footer[12] = (byte)'S';
        footer[13] = (byte)'G';
        footer[14] = 22;  // LEN, little-endian
        Encoding.ASCII.GetBytes(tocOffset.ToString("x16", CultureInfo.InvariantCulture) + "STARGZ").CopyTo(footer, 16);
        footer[38] = 1;   // BFINAL, stored block, then LEN 0 and NLEN 0xffff
        footer[41] = 0xff;
        footer[42] = 0xff;
        return footer;
    }
}
