using Microsoft.Net.Http.Headers;

namespace Nixery.AspNetCore.Registry;

/// <summary>One satisfiable range of a blob, first and last byte included (RFC 9110 §14.1.2).</summary>
internal readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    /// <summary>
    /// The satisfiable ranges of a <c>Range</c> header for a blob of <paramref name="length"/> bytes, in the order asked,
    /// or null when the header is missing, not a <c>bytes</c> range set, or malformed (the whole blob is then served, as
    /// RFC 9110 lets a server ignore such a header). An empty list means none is satisfiable (<c>416</c>).
    /// </summary>
    public static IReadOnlyList<ByteRange>? Parse(string? header, long length)
    {
        if (string.IsNullOrEmpty(header) || !RangeHeaderValue.TryParse(header, out var parsed)
            || !string.Equals(parsed.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || parsed.Ranges.Count == 0)
            return null;
        var ranges = new List<ByteRange>(parsed.Ranges.Count);
        foreach (var item in parsed.Ranges)
        {
            if (item.From is { } from)
            {
                if (item.To is { } to && to < from) return null; // invalid: the header is ignored
                if (from >= length) continue;                     // unsatisfiable: left out
                ranges.Add(new ByteRange(from, Math.Min(item.To ?? long.MaxValue, length - 1)));
            }
            else if (item.To is { } suffix && suffix > 0 && length > 0)
            {
                ranges.Add(new ByteRange(Math.Max(0, length - suffix), length - 1));
            }
        }
        return ranges;
    }
}
