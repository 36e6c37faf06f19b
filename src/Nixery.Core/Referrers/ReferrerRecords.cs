using System.Text.Json;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Storage;

namespace Nixery.Core.Referrers;

/// <summary>
/// The referrers of each manifest, kept in the blob store's records (<c>referrers/&lt;hex&gt;.json</c>, one per subject
/// digest) where every instance sharing the store finds them. The registry makes every referrer itself (the SBOMs of the
/// images it builds), so a record is written whole by the build of its subject and never merged.
/// </summary>
public static class ReferrerRecords
{
    /// <summary>The prefix of the records' names.</summary>
    public const string Prefix = "referrers/";

    /// <summary>The name of the record listing the referrers of <paramref name="subject"/>.</summary>
    public static string RecordName(Digest subject) => $"{Prefix}{subject.Hex}.json";

    /// <summary>Records the referrers of an image, one record per subject manifest.</summary>
    public static async Task WriteAsync(IBlobStore store, IReadOnlyList<ImageReferrer> referrers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(referrers);
        foreach (var subject in referrers.GroupBy(r => r.Subject))
        {
            // The subject's digest is in the record, so garbage collection deletes the record with the subject.
            var record = new ReferrerRecord(subject.Key, [.. subject.Select(ReferrerDescriptor.Of)]);
            await store.WriteRecordAsync(RecordName(subject.Key), JsonSerializer.SerializeToUtf8Bytes(record), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The referrers of <paramref name="subject"/>; none when it has no record (or one this version cannot read).</summary>
    public static async Task<IReadOnlyList<ReferrerDescriptor>> ReadAsync(IBlobStore store, Digest subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var bytes = await store.ReadRecordAsync(RecordName(subject), cancellationToken).ConfigureAwait(false);
        if (bytes is null) return [];
        try
        {
            return JsonSerializer.Deserialize<ReferrerRecord>(bytes) is { Subject: var recorded, Referrers: { } list } && recorded == subject ? list : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private sealed record ReferrerRecord(Digest Subject, IReadOnlyList<ReferrerDescriptor> Referrers);
}
