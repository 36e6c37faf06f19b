using System.Security.Cryptography;
using System.Text;
using Nixery.Abstractions.Storage;

namespace Nixery.Abstractions.Tests.Storage;

public class DigestTests
{
    [Fact]
    public void Of_is_the_sha256_in_oci_form()
    {
        var bytes = Encoding.UTF8.GetBytes("hello");
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), Digest.Of(bytes).ToString());
    }

    [Fact]
    public void Parse_round_trips()
    {
        var text = "sha256:" + new string('a', 64);
        Assert.Equal(text, Digest.Parse(text).ToString());
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sha256:gaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("")]
    public void Malformed_digests_are_typed_errors_naming_the_text(string text)
    {
        Assert.False(Digest.TryParse(text, out _));
        var error = Assert.Throws<InvalidDigestException>(() => Digest.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
    }
}
