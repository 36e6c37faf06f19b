using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Sources;
using Nixery.Core.Building;
using Nixery.Core.Collection;
using Nixery.Core.Referrers;
using Nixery.Core.Sbom;
using Nixery.Core.Storage;

namespace Nixery.Core.Tests.Collection;

/// <summary>
/// The handshake that makes collection safe while builds run, on a real file-system store: an image recorded while a
/// collection runs is checked once it is over, and a blob the collection took sends the image back to be built.
/// </summary>
public sealed class ImageRootsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FileSystemStorage _backend;
    private readonly BlobStore _store;
    private readonly ImageRoots _roots;
    private readonly BlobCollector _collector;

    public ImageRootsTests()
    {
        _backend = new FileSystemStorage(Options.Create(new FileSystemStorageOptions { Path = _temp.Path, FlushToDisk = false }), NullLogger<FileSystemStorage>.Instance);
        _store = new BlobStore(_backend);
        var options = Options.Create(new CollectionOptions { GracePeriod = TimeSpan.Zero });
        _roots = new ImageRoots(_store, _backend, options);
        _collector = new BlobCollector(_store, _backend, options, NullLogger<BlobCollector>.Instance);
    }

    public void Dispose() => _temp.Dispose();

    private async Task<BuiltImage> ImageAsync(string text)
    {
        var layer = await _store.PutAsync(Encoding.UTF8.GetBytes("layer " + text));
        var config = await _store.PutAsync(Encoding.UTF8.GetBytes($"{{\"created\":\"1970-01-01T00:00:01Z\",\"image\":\"{text}\"}}"));
        var oci = Encoding.UTF8.GetBytes($"{{\"oci\":\"{text}\",\"layer\":\"{layer.Digest}\"}}");
        var docker = Encoding.UTF8.GetBytes($"{{\"docker\":\"{text}\",\"layer\":\"{layer.Digest}\"}}");
        var ociManifest = new StoredManifest((await _store.PutAsync(oci)).Digest, MediaTypes.OciManifest, oci);
        var dockerManifest = new StoredManifest((await _store.PutAsync(docker)).Digest, MediaTypes.DockerManifest, docker);
        return new BuiltImage(ImageRequest.Parse(text, "latest"), config, [new LayerDescriptor(layer.Digest, layer.Digest, layer.Size, [])], ociManifest, dockerManifest);
    }

    [Fact]
    public async Task With_no_collection_running_an_image_is_confirmed_at_once()
    {
        var image = await ImageAsync("hello");
        Assert.True(await _roots.TouchAsync(image, CancellationToken.None));
        Assert.True(await _roots.ConfirmAsync(image, CancellationToken.None));
        Assert.False(await _roots.TouchAsync(image, CancellationToken.None)); // touched a moment ago: no write
    }

    [Fact]
    public async Task An_image_recorded_while_a_collection_runs_waits_for_it_and_is_refused_when_it_took_a_blob()
    {
        var image = await ImageAsync("hello");
        await _store.WriteRecordAsync("gc/another-replica", "running"u8.ToArray());
        await _roots.TouchAsync(image, CancellationToken.None);

        var confirming = _roots.ConfirmAsync(image, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(confirming.IsCompleted); // waits for the collection to finish
        await _backend.DeleteAsync(StorageKeys.Blob(image.Layers[0].Digest), CancellationToken.None); // the collection took a reused layer
        await _backend.DeleteAsync(StorageKeys.Record("gc/another-replica"), CancellationToken.None);

        Assert.False(await confirming.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await _roots.TouchAsync(image, CancellationToken.None)); // forgotten: the next build records it again
    }

    [Fact]
    public async Task A_collection_keeps_the_blobs_of_images_in_the_retention_and_deletes_the_rest_with_the_records_naming_them()
    {
        var old = await ImageAsync("old");
        var recent = await ImageAsync("recent");
        await _roots.TouchAsync(old, CancellationToken.None);
        await _store.WriteRecordAsync("layers/some-key.json", Encoding.UTF8.GetBytes($"{{\"Digest\":\"{old.Layers[0].Digest}\"}}"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await _roots.TouchAsync(recent, CancellationToken.None);

        var dryRun = await _collector.CollectAsync(apply: false, retention: TimeSpan.FromSeconds(1));
        Assert.Equal(4, dryRun.Deleted.Count);
        Assert.NotNull(await _store.StatAsync(old.Config.Digest));

        var report = await _collector.CollectAsync(apply: true, retention: TimeSpan.FromSeconds(1));
        Assert.Equal((1, 1, 4), (report.ImagesKept, report.ImagesExpired, report.Deleted.Count));
        Assert.Equal(3, report.RecordsDeleted); // the old image's two roots and the layer record naming its layer
        foreach (var digest in ImageRoots.BlobsOf(old)) Assert.Null(await _store.StatAsync(digest));
        foreach (var digest in ImageRoots.BlobsOf(recent)) Assert.NotNull(await _store.StatAsync(digest));
        Assert.Null(await _store.ReadRecordAsync("layers/some-key.json"));
        Assert.Empty(await _backend.ListAsync("records/gc/", CancellationToken.None).ToListAsync()); // its record is gone
    }

    [Fact]
    public async Task A_collection_keeps_the_sboms_of_kept_images_and_deletes_those_of_expired_ones_with_their_referrer_records()
    {
        var sboms = new SbomArtifacts(_store, Options.Create(new NixeryOptions()));
        var packageSet = new PackageSetReference("{ ... }: { }", new Dictionary<string, string>(), "test set", IsPinned: true);
        async Task<BuiltImage> WithSbomAsync(string text)
        {
            var path = $"/nix/store/{new string('a', 32)}-{text}-1.0";
            return await sboms.AttachAsync(await ImageAsync(text), new RuntimeGraph([new StorePath(path, 100, [])], [path]), packageSet, CancellationToken.None);
        }
        var old = await WithSbomAsync("old");
        var recent = await WithSbomAsync("recent");
        Assert.Equal(2, old.Referrers.Count); // one artifact per manifest form, as each names its own subject
        await _roots.TouchAsync(old, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await _roots.TouchAsync(recent, CancellationToken.None);

        var report = await _collector.CollectAsync(apply: true, retention: TimeSpan.FromSeconds(1));

        // Gone: the old image with its SBOM blob and artifact manifests; kept: the recent one's and the empty config both share.
        Assert.Equal(4 + 3, report.Deleted.Count);
        foreach (var digest in ImageRoots.BlobsOf(recent)) Assert.NotNull(await _store.StatAsync(digest));
        foreach (var digest in ImageRoots.BlobsOf(old).Except(ImageRoots.BlobsOf(recent))) Assert.Null(await _store.StatAsync(digest));
        Assert.Equal(2 + 2, report.RecordsDeleted); // the old image's two roots and its two referrer records
        Assert.Empty(await ReferrerRecords.ReadAsync(_store, old.OciManifest.Digest, CancellationToken.None));
        Assert.Empty(await ReferrerRecords.ReadAsync(_store, old.DockerManifest.Digest, CancellationToken.None));
        Assert.Single(await ReferrerRecords.ReadAsync(_store, recent.OciManifest.Digest, CancellationToken.None));
        Assert.Single(await ReferrerRecords.ReadAsync(_store, recent.DockerManifest.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task A_collection_keeps_an_index_in_the_retention_with_every_blob_of_every_entry_and_deletes_it_with_them_once_expired()
    {
        var amd64 = await ImageAsync("hello");
        var arm64 = await ImageAsync("arm64/hello");
        await _roots.TouchAsync(amd64, CancellationToken.None);
        await _roots.TouchAsync(arm64, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // Only the index is used now (pulled by digest, say): its root must keep its platforms' images.
        var index = await IndexAsync(amd64, arm64);
        Assert.True(await _roots.TouchAsync(index, CancellationToken.None));
        Assert.True(await _roots.ConfirmAsync(index, CancellationToken.None));

        var report = await _collector.CollectAsync(apply: true, retention: TimeSpan.FromSeconds(1));
        Assert.Empty(report.Deleted);
        foreach (var digest in ImageRoots.BlobsOf(index)) Assert.NotNull(await _store.StatAsync(digest));
        Assert.Contains(arm64.Layers[0].Digest, ImageRoots.BlobsOf(index));

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        report = await _collector.CollectAsync(apply: true, retention: TimeSpan.FromSeconds(1));
        foreach (var digest in ImageRoots.BlobsOf(index)) Assert.Null(await _store.StatAsync(digest));
    }

    private async Task<BuiltImageIndex> IndexAsync(params BuiltImage[] images)
    {
        async Task<StoredManifest> StoreAsync(bool oci)
        {
            var content = Core.Images.IndexDocuments.Index(oci, images);
            return new StoredManifest((await _store.PutAsync(content)).Digest, oci ? MediaTypes.OciIndex : MediaTypes.DockerManifestList, content);
        }
        return new BuiltImageIndex(await StoreAsync(oci: true), await StoreAsync(oci: false), images);
    }
}
