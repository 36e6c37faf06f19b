using System.Globalization;
using Nixery.Abstractions.Requests;

namespace Nixery.AspNetCore.Registry;

/// <summary>The tags one <c>tags/list</c> answer carries: what the package source offers, cleaned, sorted and paged.</summary>
internal static class TagListing
{
    /// <summary>
    /// <c>latest</c> plus <paramref name="sourceTags"/>, without names that are not valid registry tags and without
    /// duplicates, in lexical (ordinal) order as the distribution spec asks; then only the tags after
    /// <paramref name="last"/> when given, and at most <paramref name="n"/> when given.
    /// </summary>
    public static IReadOnlyList<string> Page(IEnumerable<string> sourceTags, string? last, int? n)
    {
        var tags = new SortedSet<string>(StringComparer.Ordinal) { ImageRequest.LatestTag };
        foreach (var tag in sourceTags)
            if (ImageRequest.IsValidTag(tag)) tags.Add(tag);

        IEnumerable<string> page = tags;
        if (!string.IsNullOrEmpty(last)) page = page.Where(tag => string.CompareOrdinal(tag, last) > 0);
        if (n is { } count) page = page.Take(count);
        return [.. page];
    }

    /// <summary>
    /// The <c>Link</c> header (RFC 5988, <c>rel="next"</c>) to the page after <paramref name="last"/>: a path on this
    /// host, under the app's <paramref name="pathBase"/>, as Docker's registry sends it and clients resolve it.
    /// </summary>
    public static string NextLink(string? pathBase, string name, int n, string last) =>
        string.Create(CultureInfo.InvariantCulture,
            $"<{pathBase}/v2/{name}/tags/list?n={n}&last={Uri.EscapeDataString(last)}>; rel=\"next\"");
}
