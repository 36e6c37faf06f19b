using Nixery.Testing;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;
using Nixery.Core.Layout;
using Nixery.Core.Nix;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Images;

/// <summary>The engine with real Nix on the demo package set, checked with real skopeo, umoci and podman.</summary>
public sealed class ImageEngineEndToEndTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-e2e-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private ServiceProvider Engine(string storage)
    {
        var services = new ServiceCollection();
        services.AddNixery().UsePathPackageSource(RepositoryRoot.DemoPackages).UseFileSystemStorage(storage);
        services.Configure<NixOptions>(options =>
        {
            TestNix.Configure(options, Path.Combine(_scratch, "nix-state"));
        });
        return services.BuildServiceProvider();
    }

    private static async Task<BuiltImage> BuildAsync(ServiceProvider engine, string name, string tag = "latest")
    {
        var result = await engine.GetRequiredService<IImageBuilder>().BuildAsync(ImageRequest.Parse(name, tag));
        return Assert.IsType<BuiltImage>(result);
    }

    [Fact]
    public async Task Shell_hello_built_into_an_oci_layout_runs_in_podman_with_bash_and_coreutils()
    {
        await using var engine = Engine(Path.Combine(_scratch, "store"));
        var image = await BuildAsync(engine, "shell/hello");
        var layout = Path.Combine(_scratch, "layout");
        await OciLayoutWriter.WriteAsync(image, engine.GetRequiredService<IBlobStore>(), layout, "latest");

        var local = $"localhost/nixery-e2e/shell-hello:{Guid.NewGuid():N}";
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", $"oci:{layout}:latest", $"containers-storage:{local}");
        try
        {
            var hello = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", local, "hello");
            Assert.Contains("Hello, world!", hello);

            var shell = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", local, "bash", "-c",
                "echo sum=$((1+2)); mkdir -p /tmp/x && echo data > /tmp/x/f && cat /tmp/x/f | wc -c; /usr/bin/env true && echo env-ok; test -f \"$SSL_CERT_FILE\" && echo cert-ok");
            // Line by line: "data\n" is 5 bytes, and a bare Contains("5") would match any 5 (a port, a digest).
            Assert.Equal(["sum=3", "5", "env-ok", "cert-ok"], shell.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            // The image's default command is bash, since bashInteractive is in it.
            var inspect = await ExternalTool.RunCheckedAsync("podman", "image", "inspect", "--format", "{{json .Config.Cmd}}", local);
            Assert.Equal("[\"bash\"]", inspect.Trim());
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", local);
        }
    }

    [Fact]
    public async Task An_image_sharing_packages_with_another_reuses_its_layers_without_packing_them_again()
    {
        await using var engine = Engine(Path.Combine(_scratch, "store"));
        using var packed = new EngineCounter(EngineCounter.LayersPacked);

        var first = await BuildAsync(engine, "hello");
        var packedForFirst = packed.Count;
        var second = await BuildAsync(engine, "shell/hello");

        // The layers holding the packages every image gets (cacert, iana-etc) are the same blobs in both images.
        var shared = first.Layers.Select(l => l.Digest).Intersect(second.Layers.Select(l => l.Digest)).ToList();
        Assert.NotEmpty(shared);
        Assert.Contains(first.Layers, l => l.Contents.Any(c => c.Contains("-nss-cacert-", StringComparison.Ordinal)) && shared.Contains(l.Digest));

        // Only layers the first image did not have were packed for the second.
        var newLayers = second.Layers.Select(l => l.Digest).Except(first.Layers.Select(l => l.Digest)).Count();
        Assert.Equal(newLayers, packed.Count - packedForFirst);

        // Building the first image again packs nothing at all (the package set is a path, so it is not cached by name).
        var before = packed.Count;
        var again = await BuildAsync(engine, "hello");
        Assert.Equal(before, packed.Count);
        Assert.Equal(first.OciManifest.Digest, again.OciManifest.Digest);
    }

    [Fact]
    public async Task The_same_packages_give_byte_identical_images_in_separate_stores()
    {
        await using var one = Engine(Path.Combine(_scratch, "one"));
        await using var two = Engine(Path.Combine(_scratch, "two"));
        var a = await BuildAsync(one, "shell/hello/libdemo");
        var b = await BuildAsync(two, "shell/libdemo/hello");  // another order of the same packages is the same image
        Assert.Equal(a.OciManifest.Digest, b.OciManifest.Digest);
        Assert.Equal(a.DockerManifest.Digest, b.DockerManifest.Digest);
    }

    [Fact]
    public async Task Config_and_manifests_describe_the_layers_and_umoci_unpacks_a_usable_root_filesystem()
    {
        await using var engine = Engine(Path.Combine(_scratch, "store"));
        var store = engine.GetRequiredService<IBlobStore>();
        var image = await BuildAsync(engine, "hello");

        using var config = JsonDocument.Parse(await ReadBlobAsync(store, image.Config.Digest));
        var root = config.RootElement;
        Assert.Equal("amd64", root.GetProperty("architecture").GetString());
        Assert.Equal("linux", root.GetProperty("os").GetString());
        Assert.Equal("1970-01-01T00:00:01Z", root.GetProperty("created").GetString());
        Assert.Equal(image.Layers.Select(l => l.DiffId.ToString()),
            root.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(image.Layers.Count, root.GetProperty("history").GetArrayLength());
        var history = root.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("created_by").GetString()!).ToList();
        Assert.Contains(history, h => h.Split(' ').Contains("hello-2.12.1"));
        Assert.All(history, h => Assert.StartsWith("nixery: ", h));
        Assert.All(history, h => Assert.DoesNotContain("/nix/store/", h));
        var env = root.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt", env);
        Assert.Contains(env, e => e!.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.False(root.GetProperty("config").TryGetProperty("Cmd", out _), "no bash in the image, so no Cmd");

        foreach (var (manifest, layerType) in new[] { (image.OciManifest, "application/vnd.oci.image.layer.v1.tar+gzip"), (image.DockerManifest, "application/vnd.docker.image.rootfs.diff.tar.gzip") })
        {
            using var document = JsonDocument.Parse(await ReadBlobAsync(store, manifest.Digest));
            Assert.Equal(manifest.MediaType, document.RootElement.GetProperty("mediaType").GetString());
            Assert.Equal(image.Config.Digest.ToString(), document.RootElement.GetProperty("config").GetProperty("digest").GetString());
            var layers = document.RootElement.GetProperty("layers").EnumerateArray().ToList();
            Assert.Equal(image.Layers.Select(l => l.Digest.ToString()), layers.Select(l => l.GetProperty("digest").GetString()));
            Assert.All(layers, l => Assert.Equal(layerType, l.GetProperty("mediaType").GetString()));
        }

        var layout = Path.Combine(_scratch, "layout");
        await OciLayoutWriter.WriteAsync(image, store, layout, "v1");
        var bundle = Path.Combine(_scratch, "bundle");
        await ExternalTool.RunCheckedAsync("umoci", "unpack", "--image", $"{layout}:v1", bundle);
        var rootfs = Path.Combine(bundle, "rootfs");
        var hello = RootFileSystem.Resolve(rootfs, "/bin/hello");
        Assert.StartsWith(Path.Combine(rootfs, "nix", "store"), hello);
        Assert.True(File.Exists(hello), "/bin/hello resolves inside the image, into the store");
        Assert.True(File.Exists(RootFileSystem.Resolve(rootfs, "/etc/ssl/certs/ca-bundle.crt")), "the certificates resolve inside the image");
        Assert.Equal((UnixFileMode)Convert.ToInt32("1777", 8), File.GetUnixFileMode(Path.Combine(rootfs, "tmp")));
        // No package of hello's image has bin/env: /usr/bin/env is the busybox of its closure, which runs as env by that name
        // (run in the podman tests of the baseline).
        var usrBinEnv = RootFileSystem.Resolve(rootfs, "/usr/bin/env");
        Assert.StartsWith(Path.Combine(rootfs, "nix", "store"), usrBinEnv);
        Assert.EndsWith("-busybox-1.35.0/bin/busybox", usrBinEnv, StringComparison.Ordinal);
        Assert.True(File.Exists(usrBinEnv), "/usr/bin/env resolves inside the image");
        // The baseline, owned by root.
        Assert.StartsWith("root:x:0:0:", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc", "passwd")), StringComparison.Ordinal);
        Assert.Contains("nobody:x:65534:", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc", "group")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(rootfs, "etc", "nsswitch.conf")));
        Assert.True(File.Exists(RootFileSystem.Resolve(rootfs, "/etc/services")), "iana-etc's /etc/services stays beside the baseline");
    }

    [Fact]
    public async Task A_missing_package_is_reported_by_name_and_builds_nothing()
    {
        var storage = Path.Combine(_scratch, "store");
        await using var engine = Engine(storage);
        using var built = new EngineCounter(EngineCounter.ImagesBuilt);
        using var packed = new EngineCounter(EngineCounter.LayersPacked);
        var result = await engine.GetRequiredService<IImageBuilder>().BuildAsync(ImageRequest.Parse("hello/nosuchpackage/notthiseither", null));
        var missing = Assert.IsType<PackagesNotFound>(result);
        Assert.Equal(["nosuchpackage", "notthiseither"], missing.Packages);
        Assert.Contains("nosuchpackage", missing.Message);
        Assert.Contains("notthiseither", missing.Message);

        // No image, no layer, and nothing in storage (hello, which exists, was not packed either).
        Assert.Equal((0, 0), (built.Count, packed.Count));
        Assert.Empty(Directory.Exists(storage) ? Directory.EnumerateFiles(storage, "*", SearchOption.AllDirectories) : []);

        // The counters and the storage do see a build (so the checks above can fail).
        await BuildAsync(engine, "hello");
        Assert.Equal(1, built.Count);
        Assert.NotEmpty(Directory.EnumerateFiles(storage, "*", SearchOption.AllDirectories));
    }

    private static async Task<byte[]> ReadBlobAsync(IBlobStore store, Digest digest)
    {
        await using var stream = await store.OpenReadAsync(digest) ?? throw new InvalidOperationException($"{digest} is not stored");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
