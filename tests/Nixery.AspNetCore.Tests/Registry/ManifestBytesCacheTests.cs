using Nixery.Abstractions.Storage;
using Nixery.AspNetCore.Registry;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

public sealed class ManifestBytesCacheTests
{
    private static Digest DigestOf(byte[] bytes) => Digest.Parse(Sha256(bytes));

    [Fact]
    public void A_manifest_added_is_found_by_its_digest_with_its_media_type()
    {
        var cache = new ManifestBytesCache(4);
        byte[] bytes = [1, 2, 3];
        cache.Add(DigestOf(bytes), bytes, Oci);

        Assert.True(cache.TryGet(DigestOf(bytes), out var found, out var mediaType));
        Assert.Same(bytes, found);
        Assert.Equal(Oci, mediaType);
        Assert.False(cache.TryGet(DigestOf([4]), out _, out _));
    }

    [Fact]
    public void A_full_cache_starts_over_instead_of_growing()
    {
        var cache = new ManifestBytesCache(2);
        byte[][] manifests = [[1], [2], [3]];
        foreach (var bytes in manifests) cache.Add(DigestOf(bytes), bytes, Docker);

        Assert.False(cache.TryGet(DigestOf(manifests[0]), out _, out _));
        Assert.True(cache.TryGet(DigestOf(manifests[2]), out _, out _));
    }

    [Fact]
    public void A_cache_of_capacity_zero_keeps_nothing()
    {
        var cache = new ManifestBytesCache(0);
        cache.Add(DigestOf([1]), [1], Oci);
        Assert.False(cache.TryGet(DigestOf([1]), out _, out _));
    }
}
