using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Core.Building;
using Nixery.Core.Referrers;
using Nixery.Core.Sbom;
using Nixery.Core.Storage;

namespace Nixery.Core.Tests.Sbom;

/// <summary>SBOM artifacts of an image on a real file-system store, as the image cache keeps them across restarts.</summary>
public sealed class SbomArtifactsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly BlobStore _store;

    public SbomArtifactsTests() =>
        _store = new BlobStore(new FileSystemStorage(
            Options.Create(new FileSystemStorageOptions { Path = _temp.Path, FlushToDisk = false }), NullLogger<FileSystemStorage>.Instance));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_image_read_back_from_the_image_cache_still_names_its_sbom_artifacts_and_their_blobs()
    {
        var request = ImageRequest.Parse("hello", "latest");
        var config = await _store.PutAsync("{\"created\":\"1970-01-01T00:00:01Z\"}"u8.ToArray());
        var oci = Encoding.UTF8.GetBytes("{\"oci\":1}");
        var docker = Encoding.UTF8.GetBytes("{\"docker\":1}");
        var image = new BuiltImage(request, config, [],
            new StoredManifest((await _store.PutAsync(oci)).Digest, MediaTypes.OciManifest, oci),
            new StoredManifest((await _store.PutAsync(docker)).Digest, MediaTypes.DockerManifest, docker));
        var path = $"/nix/store/{new string('b', 32)}-hello-2.12.1";
        var packageSet = new PackageSetReference("{ ... }: { }", new Dictionary<string, string>(), "test set", IsPinned: true);
        var withSbom = await new SbomArtifacts(_store, Options.Create(new NixeryOptions()))
            .AttachAsync(image, new RuntimeGraph([new StorePath(path, 1176, [])], [path]), packageSet, CancellationToken.None);

        await ImageCache.WriteAsync(_store, "key", withSbom, CancellationToken.None);
        var (cached, unusable) = await ImageCache.TryReadAsync(_store, "key", request, CancellationToken.None);

        Assert.Null(unusable);
        Assert.Equal(
            withSbom.Referrers.Select(r => (r.Subject, r.ArtifactType, r.Manifest.Digest, string.Join(',', r.Blobs))),
            cached!.Referrers.Select(r => (r.Subject, r.ArtifactType, r.Manifest.Digest, string.Join(',', r.Blobs))));
        Assert.Equal([image.OciManifest.Digest, image.DockerManifest.Digest], cached.Referrers.Select(r => r.Subject));
        var listed = Assert.Single(await ReferrerRecords.ReadAsync(_store, image.DockerManifest.Digest, CancellationToken.None));
        Assert.Equal(withSbom.Referrers[1].Manifest.Digest, listed.Digest);
        Assert.Equal("1970-01-01T00:00:01Z", listed.Annotations["org.opencontainers.image.created"]);
    }
}
