using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Nixery.Abstractions.Storage;

/// <summary>A content digest in the OCI form <c>sha256:&lt;64 lowercase hex&gt;</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest
{
    private const string Prefix = "sha256:";

    /// <summary>The 64 lowercase hexadecimal characters of the SHA-256.</summary>
    public string Hex { get; }

    private Digest(string hex) => Hex = hex;

    /// <summary>Parses <c>sha256:&lt;hex&gt;</c>; only SHA-256 digests are produced or accepted.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        digest = default;
        if (text is null || text.Length != Prefix.Length + 64 || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        foreach (var c in text.AsSpan(Prefix.Length))
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        digest = new Digest(text[Prefix.Length..]);
        return true;
    }

    /// <summary>Parses a digest or throws <see cref="InvalidDigestException"/>.</summary>
    public static Digest Parse(string text) =>
        TryParse(text, out var digest) ? digest : throw new InvalidDigestException(text);

    /// <summary>The digest of a finished hash.</summary>
    public static Digest FromHash(ReadOnlySpan<byte> sha256) => new(Convert.ToHexStringLower(sha256));

    /// <summary>The digest of some bytes.</summary>
    public static Digest Of(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    /// <inheritdoc />
    public override string ToString() => Prefix + Hex;
}
