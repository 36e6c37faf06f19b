using Microsoft.Extensions.Primitives;
using Nixery.Abstractions.Oci;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// Chooses the manifest form from a request's <c>Accept</c> header lines.
/// </summary>
/// <remarks>
/// Registry clients list the media types they understand in the order they prefer them, spread over several header
/// lines or comma lists, and rarely send meaningful <c>q</c> values; so the first listed type we can serve wins and
/// parameters are ignored. A wildcard (<c>*/*</c>, <c>application/*</c>) accepts anything and gets the default.
/// Types we do not serve (indexes, manifest lists, schema 1) are skipped. When nothing usable is listed, the answer is
/// Docker v2 schema 2: clients old enough to send no Accept header (and the original Nixery's users) expect it, and
/// every current client understands it, while OCI-only clients always ask for OCI explicitly.
/// <para>
/// For a name that answers an index (several platforms configured), an index is what any client that lists one gets,
/// wherever in its list: clients list the index types after the manifest types (podman, containerd, docker) although
/// they want the index when there is one. The OCI index when listed, else the Docker manifest list when listed (a
/// Docker-only client); a client that lists neither (old clients, wildcards) gets a single manifest.
/// </para>
/// </remarks>
internal static class ManifestFormNegotiator
{
    /// <summary>The form served when the client states no usable preference.</summary>
    public const ManifestForm Default = ManifestForm.DockerV2;

    /// <summary>The first servable form listed across all the header lines, or <see cref="Default"/>.</summary>
    public static ManifestForm Negotiate(StringValues acceptHeaders) => Negotiate(acceptHeaders, index: false);

    /// <summary>
    /// With <paramref name="index"/>: <see cref="ManifestForm.OciIndex"/> when an OCI index is listed anywhere, else
    /// <see cref="ManifestForm.DockerManifestList"/> when a manifest list is; otherwise (and without
    /// <paramref name="index"/>) the manifest form <see cref="Negotiate(StringValues)"/> chooses.
    /// </summary>
    public static ManifestForm Negotiate(StringValues acceptHeaders, bool index)
    {
        if (index)
        {
            var dockerList = false;
            foreach (var entry in Entries(acceptHeaders))
            {
                if (entry.Equals(MediaTypes.OciIndex, StringComparison.OrdinalIgnoreCase)) return ManifestForm.OciIndex;
                dockerList |= entry.Equals(MediaTypes.DockerManifestList, StringComparison.OrdinalIgnoreCase);
            }
            if (dockerList) return ManifestForm.DockerManifestList;
        }
        foreach (var entry in Entries(acceptHeaders))
        {
            if (entry.Equals(MediaTypes.OciManifest, StringComparison.OrdinalIgnoreCase)) return ManifestForm.Oci;
            if (entry.Equals(MediaTypes.DockerManifest, StringComparison.OrdinalIgnoreCase)) return ManifestForm.DockerV2;
            if (entry.Equals("*/*", StringComparison.Ordinal) || entry.Equals("application/*", StringComparison.OrdinalIgnoreCase))
                return Default;
        }
        return Default;
    }

    /// <summary>The media ranges of every header line, in order, without parameters.</summary>
    private static List<string> Entries(StringValues acceptHeaders)
    {
        var entries = new List<string>();
        foreach (var line in acceptHeaders)
        {
            if (string.IsNullOrEmpty(line)) continue;
            foreach (var range in line.AsSpan().Split(','))
            {
                var entry = line.AsSpan(range);
                var parameters = entry.IndexOf(';');
                if (parameters >= 0) entry = entry[..parameters];
                entry = entry.Trim();
                if (!entry.IsEmpty) entries.Add(entry.ToString());
            }
        }
        return entries;
    }
}
