using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MyRegistry;
using Nixery.Abstractions.Oci;
using Nixery.Abstractions.Storage;
using Nixery.Core.Layering;
using Nixery.IntegrationTests.Nix;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Extending;

/// <summary>
/// The three recipes of docs/extending.md, each a file of its own (Extending/Recipes) added with one registration, in a
/// registry that real Nix builds for and real skopeo pulls from; and the page shows exactly the code tested here.
/// </summary>
public sealed class ExtendingRecipeTests
{
    private static Dictionary<string, string?> DemoPackages => new() { ["Nixery:PackageSource:Path"] = RepositoryRoot.DemoPackages };

    [Fact]
    public async Task A_storage_backend_of_one_file_added_with_UseStorage_holds_every_blob_of_a_pulled_image()
    {
        await using var registry = await RecipeRegistry.StartAsync(nixery => nixery.UseStorage<MemoryStorage>(), DemoPackages);
        var layout = Path.Combine(registry.Directory, "layout");

        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--quiet", "--src-tls-verify=false", $"docker://{registry.Host}/shell/hello", $"oci:{layout}:latest");

        var manifest = await ManifestAsync(registry);
        var storage = registry.Services.GetRequiredService<MemoryStorage>();
        var stored = new List<string>();
        await foreach (var item in storage.ListAsync(StorageKeys.BlobPrefix, CancellationToken.None)) stored.Add(item.Key);
        var referenced = manifest.GetProperty("layers").EnumerateArray().Append(manifest.GetProperty("config"))
            .Select(d => StorageKeys.Blob(Digest.Parse(d.GetProperty("digest").GetString()!)));
        Assert.Subset(stored.ToHashSet(), referenced.ToHashSet());
        Assert.True(Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).Count() >= manifest.GetProperty("layers").GetArrayLength() + 2);
    }

    [Fact]
    public async Task A_layering_strategy_of_one_file_added_with_AddLayerStrategy_is_selected_by_its_name_and_shapes_the_layers()
    {
        var settings = DemoPackages;
        settings["Nixery:LayerStrategy"] = "largest-paths";
        settings["Nixery:LayerBudget"] = "3";
        await using var registry = await RecipeRegistry.StartAsync(nixery => nixery.AddLayerStrategy<LargestPathsStrategy>(), settings);

        var manifest = await ManifestAsync(registry);

        Assert.IsType<LargestPathsStrategy>(registry.Services.GetRequiredService<LayerStrategyCatalog>().Selected);
        Assert.Equal(4, manifest.GetProperty("layers").GetArrayLength()); // two largest paths, the rest, the symlink layer
        var config = await BlobJsonAsync(registry, manifest.GetProperty("config").GetProperty("digest").GetString()!);
        var history = config.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("created_by").GetString()!["nixery: ".Length..]).ToList();
        Assert.DoesNotContain(' ', history[0]);
        Assert.DoesNotContain(' ', history[1]);
        Assert.Contains(' ', history[2]);
    }

    [Fact]
    public async Task A_package_source_of_one_file_added_with_UsePackageSource_builds_from_a_subdirectory_of_a_git_repository()
    {
        Tools.RequireGit();
        var repository = Directory.CreateTempSubdirectory("nixery-monorepo-").FullName;
        try
        {
            // The repository's root is not a package set: only the subdirectory can make the image.
            await File.WriteAllTextAsync(Path.Combine(repository, "default.nix"), "{ ... }: throw \"the root of the monorepo is not the package set\"\n");
            Tools.CopyDirectory(RepositoryRoot.DemoPackages, Path.Combine(repository, "nix", "packages"));
            Tools.Run("git", ["init", "-q", "-b", "main"], repository);
            Tools.Run("git", ["add", "."], repository);
            Tools.Run("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "packages"], repository);

            await using var registry = await RecipeRegistry.StartAsync(nixery =>
                nixery.UsePackageSource(new SubdirectoryGitPackageSource("file://" + repository, "nix/packages")));

            var inspect = await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Host}/shell/hello");
            Assert.Contains("\"Layers\"", inspect, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    [Theory]
    [InlineData("MemoryStorage.cs")]
    [InlineData("LargestPathsStrategy.cs")]
    [InlineData("SubdirectoryGitPackageSource.cs")]
    public async Task The_page_shows_each_recipe_exactly_as_tested(string file)
    {
        var page = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "extending.md"))).ReplaceLineEndings("\n");
        var code = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "tests", "Nixery.IntegrationTests", "Extending", "Recipes", file)))
            .ReplaceLineEndings("\n").Trim();
        Assert.Contains("```csharp\n" + code + "\n```", page, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ManifestAsync(RecipeRegistry registry)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/shell/hello/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
        using var response = await registry.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement> BlobJsonAsync(RecipeRegistry registry, string digest) =>
        JsonDocument.Parse(await registry.Client.GetStringAsync($"/v2/shell/hello/blobs/{digest}")).RootElement.Clone();
}
