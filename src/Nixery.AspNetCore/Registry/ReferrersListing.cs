using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Storage;
using Nixery.Core.Referrers;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> (distribution-spec 1.1, "Listing Referrers"): an OCI image index
/// of the artifact manifests whose subject is the digest, each with its <c>artifactType</c> and annotations, filtered by
/// <c>?artifactType=</c> when asked (then saying so in <c>OCI-Filters-Applied</c>). A digest with no referrers, known
/// or not, gets an empty index: the API never answers 404.
/// </summary>
internal static class ReferrersListing
{
    /// <summary>The header naming the filters applied.</summary>
    public const string FiltersAppliedHeader = "OCI-Filters-Applied";

    private const string ArtifactTypeFilter = "artifactType";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Answers the referrers of <paramref name="reference"/> (none for a sha512 digest, which nothing here has), or
    /// 400 DIGEST_INVALID when it is not a digest.
    /// </summary>
    public static async Task<IResult> ListAsync(HttpContext context, IBlobStore store, string reference)
    {
        IReadOnlyList<ReferrerDescriptor> referrers;
        if (Digest.TryParse(reference, out var subject))
            referrers = await ReferrerRecords.ReadAsync(store, subject, context.RequestAborted).ConfigureAwait(false);
        else if (OtherAlgorithmDigest.IsWellFormed(reference))
            referrers = [];
        else
            return RegistryError.DigestInvalid(reference);

        var wanted = context.Request.Query[ArtifactTypeFilter].Where(type => !string.IsNullOrEmpty(type)).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count > 0)
        {
            referrers = [.. referrers.Where(referrer => wanted.Contains(referrer.ArtifactType))];
            context.Response.Headers[FiltersAppliedHeader] = ArtifactTypeFilter;
        }
        return new JsonBytesResult(Index(referrers), MediaTypes.OciIndex);
    }

    private static byte[] Index(IReadOnlyList<ReferrerDescriptor> referrers)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.OciIndex);
            json.WriteStartArray("manifests");
            foreach (var referrer in referrers)
            {
                json.WriteStartObject();
                json.WriteString("mediaType", referrer.MediaType);
                json.WriteString("digest", referrer.Digest.ToString());
                json.WriteNumber("size", referrer.Size);
                // An index referrer without one has none in its descriptor (spec); a manifest's is never empty.
                if (!string.IsNullOrEmpty(referrer.ArtifactType)) json.WriteString("artifactType", referrer.ArtifactType);
                if (referrer.Annotations is { Count: > 0 })
                {
                    json.WriteStartObject("annotations");
                    foreach (var (key, value) in referrer.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
