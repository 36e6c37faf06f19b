namespace Nixery.AspNetCore.Registry;

/// <summary>
/// Digests of the image spec's other registered algorithm, <c>sha512:</c> and 128 lower-case hex digits: well formed,
/// but this registry addresses everything by sha256, so it cannot have content by such a digest. Pull endpoints answer
/// them as unknown (404) and the referrers API with an empty list, not as malformed (400).
/// </summary>
internal static class OtherAlgorithmDigest
{
    private const string Sha512Prefix = "sha512:";

    /// <summary>True when <paramref name="reference"/> is a well-formed sha512 digest.</summary>
    public static bool IsWellFormed(string reference) =>
        reference.Length == Sha512Prefix.Length + 128
        && reference.StartsWith(Sha512Prefix, StringComparison.Ordinal)
        && !reference.AsSpan(Sha512Prefix.Length).ContainsAnyExcept("0123456789abcdef");
}
