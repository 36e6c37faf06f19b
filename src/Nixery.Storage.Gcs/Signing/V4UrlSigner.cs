using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nixery.Storage.Gcs.Signing;

/// <summary>
/// Makes Cloud Storage V4 signed URLs (<c>GOOG4-RSA-SHA256</c>): a canonical request of method, path, sorted query,
/// canonical headers, signed header names and payload hash; a string to sign naming the algorithm, time, credential
/// scope and the canonical request's SHA-256; and the RSA signature of that string, in hex, appended to the query. The
/// texts do not depend on how the signature is made (a local key or IAM signBlob), only the signature's bytes do.
/// </summary>
internal static class V4UrlSigner
{
    public const string Algorithm = "GOOG4-RSA-SHA256";

    /// <summary>Google's limit on a V4 signature's lifetime.</summary>
    public static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(7);

    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string ContentSha256Header = "x-goog-content-sha256";

    public static async Task<V4SignedUrl> SignAsync(V4SigningRequest request, IUrlSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signer);
        if (request.Expiry <= TimeSpan.Zero || request.Expiry > MaxExpiry)
            throw new ArgumentOutOfRangeException(nameof(request), request.Expiry, "a V4 signature lasts more than zero seconds and at most 7 days");

        var utc = request.Timestamp.ToUniversalTime();
        var dateTime = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/auto/storage/goog4_request";

        // Path style names the bucket in the path (no object: the bucket itself, for listing); the others in the host.
        var objectPath = request.ObjectName.Length == 0 ? "" : "/" + EncodePath(request.ObjectName);
        var path = request.Style == UrlStyle.PathStyle ? "/" + request.Bucket + objectPath : objectPath.Length == 0 ? "/" : objectPath;
        var authority = request.Style == UrlStyle.VirtualHostedStyle ? request.Bucket + "." + request.Authority : request.Authority;

        // Canonical headers: lower-case names, values trimmed with inner runs of white space made one space, by name.
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = HostWithoutPort(authority),
        };
        if (request.Headers is not null)
            foreach (var (name, value) in request.Headers)
                headers[name.Trim().ToLowerInvariant()] = CanonicalHeaderValue(value);
        var signedHeaders = string.Join(';', headers.Keys);

        var query = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Encode("X-Goog-Algorithm")] = Encode(Algorithm),
            [Encode("X-Goog-Credential")] = Encode($"{signer.ServiceAccount}/{scope}"),
            [Encode("X-Goog-Date")] = Encode(dateTime),
            [Encode("X-Goog-Expires")] = Encode(((long)request.Expiry.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            [Encode("X-Goog-SignedHeaders")] = Encode(signedHeaders),
        };
        if (request.QueryParameters is not null)
            foreach (var (name, value) in request.QueryParameters)
                query[Encode(name)] = Encode(value);
        var canonicalQuery = string.Join('&', query.Select(pair => pair.Key + "=" + pair.Value));

        var canonicalHeaders = new StringBuilder();
        foreach (var (name, value) in headers) canonicalHeaders.Append(name).Append(':').Append(value).Append('\n');
        var payload = headers.TryGetValue(ContentSha256Header, out var contentHash) ? contentHash : UnsignedPayload;

        var canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(), path, canonicalQuery, canonicalHeaders.ToString(), signedHeaders, payload);
        var stringToSign = string.Join('\n',
            Algorithm, dateTime, scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var signature = await signer.SignAsync(Encoding.UTF8.GetBytes(stringToSign), cancellationToken).ConfigureAwait(false);

        var url = $"{request.Scheme}://{authority}{path}?{canonicalQuery}&X-Goog-Signature={Convert.ToHexStringLower(signature)}";
        return new V4SignedUrl(url, canonicalRequest, stringToSign);
    }

    /// <summary>The host header as signed: the host name without a port.</summary>
    private static string HostWithoutPort(string authority)
    {
        if (authority.StartsWith('[')) return authority[..(authority.IndexOf(']', StringComparison.Ordinal) + 1)];
        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    private static string CanonicalHeaderValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (c is ' ' or '\t')
            {
                space = true;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Percent-encodes an object name segment by segment, keeping its slashes.</summary>
    internal static string EncodePath(string objectName) => string.Join('/', objectName.Split('/').Select(Encode));

    /// <summary>RFC 3986 percent-encoding of UTF-8: everything but A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex).</summary>
    internal static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length * 3 / 2);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~') builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
