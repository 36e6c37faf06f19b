using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Nixery.Core.Packing;

/// <summary>
/// Writes a POSIX ustar archive whose bytes depend only on names, kinds, permission bits, symlink targets and file
/// contents: every entry has mtime <see cref="FixedMtime"/>, its numeric owner as uid and gid (0 but for the baseline's non-root
/// home) and empty user/group names. A PAX extended
/// header (typeflag <c>x</c>) precedes an entry only when its path or link target does not fit ustar's fields or its
/// size exceeds ustar's 11 octal digits; it then holds only <c>path</c>, <c>linkpath</c> and/or <c>size</c> records,
/// in that order, never times.
/// </summary>
/// <remarks>
/// The caller supplies entries in archive order (see <see cref="TarEntries.Sort"/>). File contents are read in
/// chunk-sized pieces straight into the output chunk, so neither a file nor the archive is ever held in memory. With an
/// <see cref="EstargzIndex"/>, every entry is recorded for the table of contents and the output is cut where eStargz
/// wants a new gzip member: at the start of each non-empty file's content and every chunk of a large file.
/// </remarks>
internal sealed class DeterministicTarWriter(ChunkWriter output, EstargzIndex? index = null)
{
    /// <summary>The modification time of every entry: one second after the Unix epoch, as in the Nix store.</summary>
    public const long FixedMtime = 1;

    private const int BlockSize = 512;
    private const int NameLength = 100;
    private const int PrefixLength = 155;
    private const long MaxUstarSize = 077777777777; // 11 octal digits

    private readonly byte[] _header = new byte[BlockSize];

    public async ValueTask WriteEntryAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var name = entry.Kind == TarEntryKind.Directory ? entry.Name + "/" : entry.Name;
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var linkBytes = entry.LinkTarget is null ? [] : Encoding.UTF8.GetBytes(entry.LinkTarget);
        var size = entry.Kind == TarEntryKind.RegularFile ? entry.Size : 0;

        index?.Add(entry, name);
        var fitsName = TrySplitUstarName(nameBytes, out var prefixLength);
        var fitsLink = linkBytes.Length <= NameLength;
        var fitsSize = size <= MaxUstarSize;
        if (!fitsName || !fitsLink || !fitsSize)
        {
            var pax = new StringBuilder();
            if (!fitsName) AppendPaxRecord(pax, "path", name);
            if (!fitsLink) AppendPaxRecord(pax, "linkpath", entry.LinkTarget!);
            if (!fitsSize) AppendPaxRecord(pax, "size", size.ToString(CultureInfo.InvariantCulture));
            var paxBytes = Encoding.UTF8.GetBytes(pax.ToString());
            var paxName = Encoding.UTF8.GetBytes("PaxHeaders/" + Path.GetFileName(entry.Name));
            BuildHeader(paxName.AsSpan(0, Math.Min(paxName.Length, NameLength)), 0, 0b110_100_100, 0, paxBytes.Length, (byte)'x', []);
            await output.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(paxBytes, cancellationToken).ConfigureAwait(false);
            await output.WriteZerosAsync(Padding(paxBytes.Length), cancellationToken).ConfigureAwait(false);
        }

        // With a PAX path, the ustar fields hold a truncated name that readers of PAX ignore.
        var ustarName = fitsName ? nameBytes : nameBytes.AsSpan(0, NameLength).ToArray();
        var ustarLink = fitsLink ? linkBytes : linkBytes.AsSpan(0, NameLength).ToArray();
        var typeflag = entry.Kind switch
        {
            TarEntryKind.Directory => (byte)'5',
            TarEntryKind.Symlink => (byte)'2',
            _ => (byte)'0',
        };
        BuildHeader(ustarName, fitsName ? prefixLength : 0, entry.Mode & 0b111_111_111_111, entry.Owner, fitsSize ? size : 0, typeflag, ustarLink);
        await output.WriteAsync(_header, cancellationToken).ConfigureAwait(false);

        if (entry.Kind == TarEntryKind.RegularFile)
        {
            if (index is not null && size > 0) await index.BeginContentAsync(cancellationToken).ConfigureAwait(false);
            if (entry.Content is { } content) await WriteMemoryContentAsync(content, cancellationToken).ConfigureAwait(false);
            else await WriteContentAsync(entry, cancellationToken).ConfigureAwait(false);
            index?.EndContent();
            await output.WriteZerosAsync(Padding(size), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the end-of-archive marker: two zero blocks.</summary>
    public ValueTask FinishAsync(CancellationToken cancellationToken) => output.WriteZerosAsync(2 * BlockSize, cancellationToken);

    private async ValueTask WriteContentAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        using SafeFileHandle handle = File.OpenHandle(entry.SourcePath!, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long offset = 0;
        while (offset < entry.Size)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await output.EnsureSpaceAsync(cancellationToken).ConfigureAwait(false);
            var space = output.Available;
            var wanted = Math.Min(entry.Size - offset, index?.BytesBeforeCut(offset) ?? long.MaxValue);
            if (space.Length > wanted) space = space[..(int)wanted];
            // Reads from the page cache are short; doing them synchronously on the producing task avoids a thread hop per chunk.
            var read = RandomAccess.Read(handle, space.Span, offset);
            if (read == 0)
                throw new IOException($"'{entry.SourcePath}' shrank while it was being packed: expected {entry.Size} bytes, got {offset}");
            index?.Hash(space.Span[..read]);
            output.Advance(read);
            offset += read;
            if (index is not null && offset < entry.Size && offset % index.ChunkSize == 0)
                await index.CutChunkAsync(offset, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteMemoryContentAsync(byte[] content, CancellationToken cancellationToken)
    {
        long offset = 0;
        while (offset < content.Length)
        {
            var piece = (int)Math.Min(content.Length - offset, index?.BytesBeforeCut(offset) ?? long.MaxValue);
            index?.Hash(content.AsSpan((int)offset, piece));
            await output.WriteAsync(content.AsMemory((int)offset, piece), cancellationToken).ConfigureAwait(false);
            offset += piece;
            if (index is not null && offset < content.Length) await index.CutChunkAsync(offset, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int Padding(long length) => (int)((BlockSize - length % BlockSize) % BlockSize);

    /// <summary>
    /// Whether a name fits ustar: in the 100-byte name field alone, or split at a slash into a prefix of at most 155
    /// bytes and a non-empty name of at most 100 bytes. The split is the first slash that makes the rest fit.
    /// </summary>
    internal static bool TrySplitUstarName(ReadOnlySpan<byte> name, out int prefixLength)
    {
        prefixLength = 0;
        if (name.Length <= NameLength) return true;
        for (var i = Math.Max(1, name.Length - NameLength - 1); i <= Math.Min(PrefixLength, name.Length - 2); i++)
        {
            if (name[i] != (byte)'/') continue;
            prefixLength = i;
            return true;
        }

        return false;
    }

    /// <summary>A PAX record is "&lt;length&gt; &lt;key&gt;=&lt;value&gt;\n", where length counts the whole record, its own digits included.</summary>
    private static void AppendPaxRecord(StringBuilder pax, string key, string value)
    {
        var rest = 1 + Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value) + 1; // ' ' key '=' value '\n'
        var length = rest + 1;
        while (length.ToString(CultureInfo.InvariantCulture).Length + rest != length) length = length.ToString(CultureInfo.InvariantCulture).Length + rest;
        pax.Append(CultureInfo.InvariantCulture, $"{length} {key}={value}\n");
    }

    private void BuildHeader(ReadOnlySpan<byte> nameBytes, int prefixLength, int mode, int owner, long size, byte typeflag, ReadOnlySpan<byte> link)
    {
        var h = _header.AsSpan();
        h.Clear();
        if (prefixLength > 0)
        {
            nameBytes[(prefixLength + 1)..].CopyTo(h[..NameLength]);
            nameBytes[..prefixLength].CopyTo(h.Slice(345, PrefixLength));
        }
        else
        {
            nameBytes.CopyTo(h[..NameLength]);
        }

        WriteOctal(h.Slice(100, 8), mode);
        WriteOctal(h.Slice(108, 8), owner); // uid
        WriteOctal(h.Slice(116, 8), owner); // gid
        WriteOctal(h.Slice(124, 12), size);
        WriteOctal(h.Slice(136, 12), FixedMtime);
        h[156] = typeflag;
        link.CopyTo(h.Slice(157, NameLength));
        "ustar\0"u8.CopyTo(h.Slice(257, 6));
        "00"u8.CopyTo(h.Slice(263, 2));
        // uname (265) and gname (297) stay empty.
        WriteOctal(h.Slice(329, 8), 0); // devmajor
        WriteOctal(h.Slice(337, 8), 0); // devminor

        // The checksum is the sum of all header bytes with its own field read as spaces: six octal digits, NUL, space.
        h.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in h) sum += b;
        WriteOctal(h.Slice(148, 7), sum);
    }

    /// <summary>Zero-padded octal digits filling the field but its last byte, which is NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        var digits = field.Length - 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }

        if (value != 0) throw new InvalidOperationException("value does not fit its tar header field");
        field[digits] = 0;
    }
}
