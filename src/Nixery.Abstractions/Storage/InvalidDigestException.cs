namespace Nixery.Abstractions.Storage;

/// <summary>A digest that is not of the form <c>sha256:&lt;64 lowercase hex&gt;</c> (<c>DIGEST_INVALID</c>).</summary>
public sealed class InvalidDigestException(string text)
    : NixeryException($"invalid digest '{text}': expected sha256: followed by 64 lowercase hexadecimal characters")
{
    /// <summary>The text that was given.</summary>
    public string Text { get; } = text;
}
