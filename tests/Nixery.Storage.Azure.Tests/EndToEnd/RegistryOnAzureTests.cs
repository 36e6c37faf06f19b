using System.Security.Cryptography;
using System.Text.Json;
using Nixery.Storage.Azure.Tests.Support;
using Nixery.Testing;

namespace Nixery.Storage.Azure.Tests.EndToEnd;

/// <summary>
/// The standalone server with its blobs in Azurite, pulled by real clients: skopeo and podman follow the registry's
/// redirects to SAS URLs (whose signatures Azurite checks) and check every digest themselves.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RegistryOnAzureTests(Azurite azurite) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-azure-pull-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Skopeo_copies_an_image_whose_blobs_are_redirected_to_sas_urls_and_the_container_holds_only_verified_blobs()
    {
        var container = await azurite.CreateContainerAsync("e2e");
        await using var registry = await AzureRegistry.StartAsync(azurite.ConnectionString(), container);
        var layout = Path.Combine(_scratch, "oci");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false",
            $"docker://{registry.Address}/shell/hello:latest", $"oci:{layout}:latest");

        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")));
        var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "blobs", "sha256", manifestDigest["sha256:".Length..])));
        var layers = manifest.RootElement.GetProperty("layers").GetArrayLength();
        Assert.True(layers >= 2, $"expected several layers, got {layers}");
        Assert.True(registry.Redirects >= layers + 1, $"expected every blob (config and {layers} layers) redirected, saw {registry.Redirects} redirects");
        OciLayout.AssertBlobsHashToTheirNames(layout);
        await AssertContainerHoldsOnlyBlobsUnderTheirDigestsAsync(azurite, container);
    }

    [Fact]
    public async Task Podman_pulls_and_runs_an_image_served_from_the_container()
    {
        var container = await azurite.CreateContainerAsync("e2e");
        await using var registry = await AzureRegistry.StartAsync(azurite.ConnectionString(), container);
        var image = $"{registry.Address}/shell/hello:latest";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);
            var hello = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "hello");
            Assert.Contains("Hello, world!", hello);
            Assert.True(registry.Redirects > 0, "no blob request was redirected to the container");
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
        }
    }

    /// <summary>
    /// Nothing in staging/ (committed or with uncommitted blocks), and every blob under a digest name, downloaded again,
    /// hashes to it.
    /// </summary>
    internal static async Task AssertContainerHoldsOnlyBlobsUnderTheirDigestsAsync(Azurite azurite, string container, bool expectBlobs = true)
    {
        var names = await Stores.NamesAsync(azurite, container);
        Assert.DoesNotContain(names, name => name.StartsWith("staging/", StringComparison.Ordinal));
        Assert.DoesNotContain(await Stores.UncommittedAsync(azurite, container), name => name.StartsWith("blobs/", StringComparison.Ordinal));
        if (expectBlobs) Assert.Contains(names, name => name.StartsWith("blobs/sha256/", StringComparison.Ordinal));
        var client = Stores.Container(azurite, container);
        foreach (var name in names)
        {
            Assert.True(name.StartsWith("blobs/sha256/", StringComparison.Ordinal) || name.StartsWith("records/", StringComparison.Ordinal), name);
            if (!name.StartsWith("blobs/sha256/", StringComparison.Ordinal)) continue;
            await using var content = (await client.GetBlobClient(name).DownloadStreamingAsync()).Value.Content;
            Assert.Equal(name["blobs/sha256/".Length..], Convert.ToHexStringLower(await SHA256.HashDataAsync(content)));
        }
    }
}
