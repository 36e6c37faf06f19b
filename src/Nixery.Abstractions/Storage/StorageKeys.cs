using System.Buffers;

namespace Nixery.Abstractions.Storage;

/// <summary>
/// How the engine names objects in a storage backend: blobs at <c>blobs/sha256/&lt;hex&gt;</c>, records at
/// <c>records/&lt;name&gt;</c>. Every key is at most <see cref="MaxLength"/> characters of <c>[A-Za-z0-9._/-]</c> in
/// segments of at most <see cref="MaxSegmentLength"/> characters that are neither empty nor <c>.</c> or <c>..</c>: valid
/// object names in Cloud Storage, S3 and Azure (with room for a prefix) and relative paths on any file system. Backends may
/// rely on it.
/// </summary>
public static class StorageKeys
{
    /// <summary>The longest key the engine uses.</summary>
    public const int MaxLength = 520;

    /// <summary>The longest segment between slashes (a file name on Linux file systems).</summary>
    public const int MaxSegmentLength = 255;

    /// <summary>The longest record name (<c>records/</c> comes in front).</summary>
    public const int MaxRecordNameLength = 512;

    /// <summary>The prefix of every blob's key.</summary>
    public const string BlobPrefix = "blobs/sha256/";

    /// <summary>The prefix of every record's key.</summary>
    public const string RecordPrefix = "records/";

    private static readonly SearchValues<char> KeyChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-");

    /// <summary>The key of the blob with <paramref name="digest"/>.</summary>
    public static string Blob(Digest digest) =>
        digest.Hex is { } hex ? BlobPrefix + hex : throw new ArgumentException("an uninitialised digest", nameof(digest));

    /// <summary>The digest a blob key names, or null for any other key.</summary>
    public static Digest? DigestOf(string key) =>
        key.StartsWith(BlobPrefix, StringComparison.Ordinal) && Digest.TryParse("sha256:" + key[BlobPrefix.Length..], out var digest)
            ? digest
            : null;

    /// <summary>The key of the record <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name breaks the rules (<see cref="IsValid"/>, at most <see cref="MaxRecordNameLength"/> characters).</exception>
    public static string Record(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxRecordNameLength || !IsValid(name))
            throw new ArgumentException(
                $"invalid record name '{(name.Length > 80 ? name[..80] + "…" : name)}': use a relative path of at most {MaxRecordNameLength} characters of [A-Za-z0-9._/-], in segments of 1 to {MaxSegmentLength} characters other than '.' and '..'",
                nameof(name));
        return RecordPrefix + name;
    }

    /// <summary>True when <paramref name="key"/> follows the rules above.</summary>
    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key.AsSpan().ContainsAnyExcept(KeyChars)) return false;
        foreach (var segment in key.Split('/'))
            if (segment is "" or "." or ".." || segment.Length > MaxSegmentLength) return false;
        return true;
    }

    /// <summary>Throws unless <paramref name="key"/> is valid; backends call it on keys they are given.</summary>
    public static void ThrowIfInvalid(string key)
    {
        if (!IsValid(key)) throw new ArgumentException($"invalid storage key '{key}'", nameof(key));
    }
}
