using System.Security.Cryptography;

namespace Nixery.Testing;

/// <summary>Checks of an OCI image layout that a client (skopeo) wrote. Linked into each test project that pulls into one.</summary>
internal static class OciLayout
{
    /// <summary>Where the layout keeps the blob <paramref name="digest"/> (<c>sha256:…</c>).</summary>
    public static string BlobPath(string layout, string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);

    /// <summary>Every blob the client wrote hashes to its file name (skopeo checked them too, as it copied).</summary>
    public static void AssertBlobsHashToTheirNames(string layout)
    {
        var blobs = Directory.GetFiles(Path.Combine(layout, "blobs", "sha256"));
        Assert.True(blobs.Length >= 3, $"expected a manifest, a config and layers, found {blobs.Length} blobs");
        foreach (var blob in blobs)
        {
            using var file = File.OpenRead(blob);
            Assert.Equal(Path.GetFileName(blob), Convert.ToHexStringLower(SHA256.HashData(file)));
        }
    }
}
