namespace Nixery.Storage.Gcs.Signing;

/// <summary>A signed URL with the intermediate texts of its signature, which the conformance tests compare.</summary>
/// <param name="Url">The URL, exactly as signed (a default port written out stays written out).</param>
/// <param name="CanonicalRequest">The canonical request whose hash was signed.</param>
/// <param name="StringToSign">The string the key signed.</param>
internal sealed record V4SignedUrl(string Url, string CanonicalRequest, string StringToSign);
