using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Nixery.IntegrationTests.PartialPulls;

/// <summary>
/// What a lazy puller reads of an eStargz blob (containerd/stargz-snapshotter docs/estargz.md): the footer's TOC offset,
/// then the TOC's chunks, each with its digest and the compressed bytes of its gzip member.
/// </summary>
internal static class EstargzToc
{
    private const int FooterSize = 51;

    /// <summary>One chunk of file content: its digest and how many bytes of the blob a client fetches for it.</summary>
    public sealed record Chunk(string Name, string Digest, long CompressedLength);

    public static IReadOnlyList<Chunk> Chunks(byte[] blob)
    {
        var tocOffset = long.Parse(Encoding.ASCII.GetString(blob, blob.Length - FooterSize + 16, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        using var gunzip = new GZipStream(new MemoryStream(blob, (int)tocOffset, blob.Length - (int)tocOffset), CompressionMode.Decompress);
        using var tar = new TarReader(gunzip);
        var entry = tar.GetNextEntry() ?? throw new InvalidDataException("no TOC entry in the last member");
        using var toc = JsonDocument.Parse(entry.DataStream!);

        var withContent = toc.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.TryGetProperty("chunkDigest", out _))
            .Select(e => (Name: e.GetProperty("name").GetString()!, Digest: e.GetProperty("chunkDigest").GetString()!, Offset: e.GetProperty("offset").GetInt64()))
            .OrderBy(e => e.Offset)
            .ToList();
        // A chunk's member runs to the next chunk's, the last one to the TOC's.
        return [.. withContent.Select((e, i) => new Chunk(e.Name, e.Digest, (i + 1 < withContent.Count ? withContent[i + 1].Offset : tocOffset) - e.Offset))];
    }
}
