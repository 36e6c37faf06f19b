namespace Nixery.Storage.Gcs.Signing;

/// <summary>What a V4 signed URL grants: one method on one object, from <see cref="Timestamp"/> for <see cref="Expiry"/>.</summary>
/// <param name="Method">The HTTP method the URL is good for (GET, HEAD, PUT, POST, DELETE).</param>
/// <param name="Bucket">The bucket.</param>
/// <param name="ObjectName">The object's name, unencoded (slashes are kept).</param>
/// <param name="Timestamp">When the signature starts to be valid (UTC).</param>
/// <param name="Expiry">How long it stays valid: at most 7 days.</param>
/// <param name="Scheme"><c>https</c> or <c>http</c>.</param>
/// <param name="Authority">The host, with a port when not the scheme's default: the endpoint for path style, the
/// endpoint below the bucket's name for virtual-hosted style, the bucket's own hostname for bucket-bound hostnames.</param>
/// <param name="Style">How the URL names the bucket.</param>
/// <param name="Headers">Headers the client must send as given (signed); <c>host</c> is always signed.</param>
/// <param name="QueryParameters">Query parameters added to the URL and signed.</param>
internal sealed record V4SigningRequest(
    string Method,
    string Bucket,
    string ObjectName,
    DateTimeOffset Timestamp,
    TimeSpan Expiry,
    string Scheme,
    string Authority,
    UrlStyle Style = UrlStyle.PathStyle,
    IReadOnlyDictionary<string, string>? Headers = null,
    IReadOnlyDictionary<string, string>? QueryParameters = null);
