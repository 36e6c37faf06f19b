using System.Security.Cryptography;
using System.Text.Json;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Packing;

/// <summary>
/// What an eStargz layer's table of contents (<c>stargz.index.json</c>) says: every entry of the layer with its metadata,
/// and for each non-empty file where its content (and each chunk of a large file) starts in the compressed blob and the
/// digest of the content and of each chunk, as the eStargz specification of containerd/stargz-snapshotter describes it.
/// <see cref="DeterministicTarWriter"/> feeds it while writing, and it cuts the output where a gzip member must begin.
/// </summary>
internal sealed class EstargzIndex(ChunkWriter output, int chunkSize) : IDisposable
{
    /// <summary>The TOC's file name, the last entry of the layer.</summary>
    public const string TocName = "stargz.index.json";

    /// <summary>The landmark that says no file is prioritised for prefetching: one byte, 0x0f, the first entry.</summary>
    public const string NoPrefetchLandmarkName = ".no.prefetch.landmark";

    /// <summary>Every entry's modification time (the tar writer's fixed mtime), in the TOC's RFC 3339 form.</summary>
    private const string ModTime = "1970-01-01T00:00:01Z";

    private readonly List<Entry> _entries = [];
    private readonly IncrementalHash _fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Entry? _current;

    /// <summary>The size of the chunks large files are cut into.</summary>
    public int ChunkSize => chunkSize;

    /// <summary>Records an entry, as named in the tar (directories end in '/').</summary>
    public void Add(TarEntry entry, string tarName)
    {
        var type = entry.Kind switch
        {
            TarEntryKind.Directory => "dir",
            TarEntryKind.Symlink => "symlink",
            _ => "reg",
        };
        _current = new Entry(tarName, type, entry.Mode & 0b111_111_111_111, entry.Kind == TarEntryKind.RegularFile ? entry.Size : 0, entry.LinkTarget, entry.Owner);
        _entries.Add(_current);
    }

    /// <summary>A non-empty file's content starts here: it begins a gzip member of its own.</summary>
    public async ValueTask BeginContentAsync(CancellationToken cancellationToken)
    {
        await output.CutAsync(cancellationToken).ConfigureAwait(false);
        _current!.Chunks.Add(new Chunk(0, output.ChunksEmitted));
    }

    /// <summary>How many bytes of the current file may be written before the next chunk must start at <paramref name="offset"/>.</summary>
    public long BytesBeforeCut(long offset) => chunkSize - offset % chunkSize;

    /// <summary>The file's next chunk starts at <paramref name="offset"/> of its content, in a gzip member of its own.</summary>
    public async ValueTask CutChunkAsync(long offset, CancellationToken cancellationToken)
    {
        FinishChunk();
        await output.CutAsync(cancellationToken).ConfigureAwait(false);
        _current!.Chunks.Add(new Chunk(offset, output.ChunksEmitted));
    }

    /// <summary>Content bytes of the current file, in order.</summary>
    public void Hash(ReadOnlySpan<byte> content)
    {
        _fileHash.AppendData(content);
        _chunkHash.AppendData(content);
    }

    /// <summary>The current file's content is complete.</summary>
    public void EndContent()
    {
        if (_current is not { Chunks.Count: > 0 } file) return;
        FinishChunk();
        file.Digest = Digest.FromHash(_fileHash.GetHashAndReset()).ToString();
    }

    /// <summary>The TOC JSON, given where each gzip member starts in the compressed blob. The same entries give the same bytes.</summary>
    public byte[] Toc(Func<int, long> memberStart)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteStartArray("entries");
            foreach (var entry in _entries)
            {
                for (var i = 0; i < Math.Max(1, entry.Chunks.Count); i++)
                {
                    json.WriteStartObject();
                    json.WriteString("name", entry.Name);
                    json.WriteString("type", i == 0 ? entry.Type : "chunk");
                    if (i == 0)
                    {
                        if (entry.Size > 0) json.WriteNumber("size", entry.Size);
                        json.WriteString("modtime", ModTime);
                        if (entry.LinkName is not null) json.WriteString("linkName", entry.LinkName);
                        json.WriteNumber("mode", entry.Mode);
                        json.WriteNumber("uid", entry.Owner);
                        json.WriteNumber("gid", entry.Owner);
                    }
                    if (entry.Chunks.Count > 0)
                    {
                        var chunk = entry.Chunks[i];
                        json.WriteNumber("offset", memberStart(chunk.Member));
                        if (i > 0) json.WriteNumber("chunkOffset", chunk.Offset);
                        // The last chunk, or the only one, says 0: "to the end of the file".
                        json.WriteNumber("chunkSize", i == entry.Chunks.Count - 1 ? 0 : entry.Chunks[i + 1].Offset - chunk.Offset);
                        if (i == 0) json.WriteString("digest", entry.Digest);
                        json.WriteString("chunkDigest", chunk.Digest);
                    }
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The members the TOC names (where each file's content and chunks start).</summary>
    public IEnumerable<int> Members => _entries.SelectMany(e => e.Chunks).Select(c => c.Member);

    public void Dispose()
    {
        _fileHash.Dispose();
        _chunkHash.Dispose();
    }

    private void FinishChunk()
    {
        if (_current is { Chunks.Count: > 0 } file) file.Chunks[^1].Digest = Digest.FromHash(_chunkHash.GetHashAndReset()).ToString();
    }

    private sealed record Entry(string Name, string Type, int Mode, long Size, string? LinkName, int Owner)
    {
        public List<Chunk> Chunks { get; } = [];

        public string Digest { get; set; } = "";
    }

    private sealed record Chunk(long Offset, int Member)
    {
        public string Digest { get; set; } = "";
    }
}
