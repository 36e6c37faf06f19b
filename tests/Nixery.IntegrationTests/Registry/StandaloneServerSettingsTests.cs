using Nixery.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.IntegrationTests.Nix;
using Nixery.IntegrationTests.Support;
using Nixery.Server;
using Nixery.Storage.Gcs;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The standalone server's settings that say where images come from and how they are cut and kept: the original's
/// environment variables NIXERY_CHANNEL, NIXERY_LAYER_STRATEGY and GCS_BUCKET, one package source at most, and the
/// <c>build</c> verb through <c>scripts/nixery</c> as a user runs it.
/// </summary>
public sealed partial class StandaloneServerSettingsTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-settings-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: it is under the temp directory.
        }
    }

    public static TheoryData<string, string, string> TwoSources => new()
    {
        { "env", $"NIXERY_PKGS_PATH={RepositoryRoot.DemoPackages}", "NIXERY_CHANNEL=nixos-unstable" },
        { "env", "NIXERY_PKGS_REPO=file:///srv/packages.git", "NIXERY_CHANNEL=nixos-unstable" },
        { "env", "NIXERY_FLAKE=github:owner/packages", "NIXERY_PKGS_REPO=file:///srv/packages.git" },
        { "arg", $"--Nixery:PackageSource:Path={RepositoryRoot.DemoPackages}", "--Nixery:PackageSource:Repository=file:///srv/packages.git" },
    };

    [Theory]
    [MemberData(nameof(TwoSources))]
    public async Task Only_one_package_source_may_be_set_and_the_message_names_both(string kind, string one, string other)
    {
        var environment = new Dictionary<string, string>();
        string[] arguments = [];
        if (kind == "env")
        {
            foreach (var setting in new[] { one, other }) environment[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];
        }
        else
        {
            arguments = [one, other];
        }

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await StandaloneServer.StartAsync(environment, arguments);
        });

        Assert.Contains("set only one package source", failure.Message);
        foreach (var setting in new[] { one, other })
        {
            var key = kind == "arg" ? setting[2..setting.IndexOf('=')] : EnvironmentSettings.Mappings.Single(m => setting.StartsWith(m.Variable + "=", StringComparison.Ordinal)).Key;
            Assert.Contains(key, failure.Message);
        }
    }

    [Fact]
    public async Task NIXERY_CHANNEL_with_NIXERY_CHANNEL_URL_builds_images_from_that_channels_tarball()
    {
        // A fresh channel name each run (Nix caches unpinned tarball URLs for an hour); only that name is served.
        var channel = $"demo-{Guid.NewGuid():N}";
        await using var tarballs = new TarballServer($"/{channel}.tar.gz", ChannelPackageSourceTests.DemoTarball());
        await using var server = await StandaloneServer.StartAsync(new Dictionary<string, string>
        {
            ["NIXERY_CHANNEL"] = channel,
            ["NIXERY_CHANNEL_URL"] = $"http://127.0.0.1:{tarballs.Port}/{{0}}.tar.gz",
        });

        var layers = await LayerCountAsync(server, "hello");

        Assert.True(layers > 1, $"{layers} layers");
        Assert.True(tarballs.Requests >= 1, "Nix never fetched the channel's tarball");
    }

    [Fact]
    public async Task NIXERY_LAYER_STRATEGY_selects_the_strategy_that_cuts_the_layers()
    {
        int byDefault;
        await using (var server = await StandaloneServer.StartAsync())
            byDefault = await LayerCountAsync(server, "shell/hello");
        await using var singleLayer = await StandaloneServer.StartAsync(new Dictionary<string, string> { ["NIXERY_LAYER_STRATEGY"] = "single-layer" });

        // One layer of store paths and the symlink layer, where the default gives the shared packages layers of their own.
        Assert.Equal(2, await LayerCountAsync(singleLayer, "shell/hello"));
        Assert.True(byDefault > 2, $"the default strategy made {byDefault} layers");
    }

    [Fact]
    public async Task GCS_BUCKET_names_the_bucket_the_gcs_backend_checks_at_start()
    {
        var variables = new Dictionary<string, string>
        {
            ["NIXERY_STORAGE_BACKEND"] = "gcs",
            ["GCS_BUCKET"] = "nixery-from-the-environment",
        };
        var builder = NixeryServer.CreateBuilder(
            ["--urls", "http://127.0.0.1:0", "--Nixery:GcsStorage:EmulatorHost=127.0.0.1:1", "--Nixery:GcsStorage:Retry:MaxAttempts=1"],
            name => variables.GetValueOrDefault(name));
        builder.Logging.ClearProviders();
        await using var app = builder.Build();

        Assert.Equal("nixery-from-the-environment", app.Services.GetRequiredService<IOptions<GcsStorageOptions>>().Value.Bucket);
        // Nothing listens on port 1: the start fails at the bucket check, naming the bucket (not "Bucket is required").
        var failure = await Assert.ThrowsAsync<GcsStartupException>(() => app.StartAsync());
        Assert.Equal(GcsStartupProblem.Unreachable, failure.Problem);
        Assert.Contains("bucket 'nixery-from-the-environment'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripts_nixery_build_writes_an_oci_layout_that_skopeo_reads()
    {
        var output = Path.Combine(_scratch, "layout");
        var (exitCode, stdout, stderr) = await NixeryScriptAsync("build", "shell/hello", "--output", output);

        Assert.True(exitCode == 0, $"scripts/nixery build exited with {exitCode}: {stderr}");
        var line = LayoutWritten().Match(stdout);
        Assert.True(line.Success, $"no 'DIGEST shell/hello:latest (N layers) written to DIR' line in: {stdout}");
        Assert.Equal(output, line.Groups["output"].Value.Trim());
        using var inspect = JsonDocument.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", $"oci:{output}:latest"));
        Assert.Equal(line.Groups["digest"].Value, inspect.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(int.Parse(line.Groups["layers"].Value, System.Globalization.CultureInfo.InvariantCulture), inspect.RootElement.GetProperty("Layers").GetArrayLength());
    }

    [Fact]
    public async Task Scripts_nixery_build_of_a_missing_package_exits_1_naming_it_and_writes_nothing()
    {
        var output = Path.Combine(_scratch, "layout");
        var (exitCode, _, stderr) = await NixeryScriptAsync("build", "hello/nosuchpackage", "--output", output);

        Assert.Equal(1, exitCode);
        Assert.Contains("nixery: ", stderr);
        Assert.Contains("nosuchpackage", stderr);
        Assert.False(Path.Exists(output));
    }

    [Fact]
    public async Task Scripts_nixery_build_with_two_platforms_writes_an_index_that_skopeo_copies_with_every_platform()
    {
        var output = Path.Combine(_scratch, "layout");
        var (exitCode, stdout, stderr) = await NixeryScriptAsync(
            new Dictionary<string, string> { ["NIXERY_PLATFORMS"] = "linux/amd64,linux/arm64", ["NIX_EXTRA_PLATFORMS"] = "aarch64-linux" },
            "build", "hello", "--output", output);

        Assert.True(exitCode == 0, $"scripts/nixery build exited with {exitCode}: {stderr}");
        Assert.Contains("hello:latest (index of linux/amd64, linux/arm64) written to", stdout, StringComparison.Ordinal);
        using var index = JsonDocument.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci:{output}:latest"));
        Assert.Equal("application/vnd.oci.image.index.v1+json", index.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(["amd64", "arm64"], index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("platform").GetProperty("architecture").GetString()));
        // Without --all, skopeo picks the machine's platform from the index; with it, every platform is copied.
        using var inspect = JsonDocument.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--override-arch", "arm64", $"oci:{output}:latest"));
        Assert.Equal("arm64", inspect.RootElement.GetProperty("Architecture").GetString());
        var copy = Path.Combine(_scratch, "copy");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--all", $"oci:{output}:latest", $"oci:{copy}:latest");
        using var copied = JsonDocument.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci:{copy}:latest"));
        Assert.Equal(2, copied.RootElement.GetProperty("manifests").GetArrayLength());
    }

    [Fact]
    public async Task Scripts_nixery_popularity_with_closure_output_writes_referrer_and_closure_counts()
    {
        string referrers = Path.Combine(_scratch, "popularity.json"), closures = Path.Combine(_scratch, "closures.json");
        var (exitCode, stdout, stderr) = await NixeryScriptAsync(
        [
            "popularity", RepositoryRoot.DemoPackages, "--output", referrers,
            "--attr", "hello", "--closure-output", closures, "--attr", "coreutils", "--", .. TestNix.OfflineArguments,
        ]);

        Assert.True(exitCode == 0, $"scripts/nixery popularity exited with {exitCode}: {stderr}");
        Assert.Contains("closure counts of ", stdout, StringComparison.Ordinal);
        var byReferrers = JsonSerializer.Deserialize<Dictionary<string, int>>(await File.ReadAllTextAsync(referrers))!;
        var byClosures = JsonSerializer.Deserialize<Dictionary<string, int>>(await File.ReadAllTextAsync(closures))!;
        Assert.Equal(byReferrers.Keys.Order(), byClosures.Keys.Order());
        // busybox is in both packages' closures; hello in no other package's.
        Assert.Equal(2, byClosures["busybox-1.35.0"]);
        Assert.Equal(0, byClosures["hello-2.12.1"]);
    }

    [Fact]
    public async Task NIX_CLOSURE_POPULARITY_URL_restacks_the_economy_layers_by_how_many_packages_hold_them()
    {
        // Referrer counts that make busybox and libdemo heads (hello refers to both); by them, bigger busybox goes lowest.
        var referrers = Path.Combine(_scratch, "popularity.json");
        await File.WriteAllTextAsync(referrers, """{"busybox-1.35.0": 100, "libdemo-1.0.0": 100}""");
        var closures = Path.Combine(_scratch, "closures.json");
        await File.WriteAllTextAsync(closures, """{"busybox-1.35.0": 0, "libdemo-1.0.0": 1000000}""");

        var plain = await BuildLayoutAsync("plain", new() { ["NIX_POPULARITY_URL"] = referrers });
        var restacked = await BuildLayoutAsync("restacked", new() { ["NIX_POPULARITY_URL"] = referrers, ["NIX_CLOSURE_POPULARITY_URL"] = closures });

        Assert.Contains("busybox-1.35.0", await StorePathsOfLayerAsync(plain.Directory, plain.Layers[0]));
        Assert.Contains("libdemo-1.0.0", await StorePathsOfLayerAsync(restacked.Directory, restacked.Layers[0]));
        // The same layers, in another order.
        Assert.NotEqual(plain.Layers, restacked.Layers);
        Assert.Equal(plain.Layers.Order(), restacked.Layers.Order());
    }

    // Builds hello into an OCI layout with its own storage (so nothing is cached between builds): the layers' digests, lowest first.
    private async Task<(string Directory, List<string> Layers)> BuildLayoutAsync(string name, Dictionary<string, string> environment)
    {
        var output = Path.Combine(_scratch, name);
        var (exitCode, _, stderr) = await ExternalTool.RunAsync(
            new Dictionary<string, string>(environment) { ["STORAGE_PATH"] = Path.Combine(_scratch, name + "-storage") },
            Path.Combine(RepositoryRoot.Path, "scripts", "nixery"), "build", "hello", "--output", output);
        Assert.True(exitCode == 0, $"scripts/nixery build exited with {exitCode}: {stderr}");
        using var manifest = JsonDocument.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci:{output}:latest"));
        return (output, manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToList());
    }

    // The store path names (without hash) whose directories a layer blob of the layout holds.
    private static async Task<HashSet<string>> StorePathsOfLayerAsync(string layout, string digest)
    {
        var blob = Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(blob), System.IO.Compression.CompressionMode.Decompress);
        await using var tar = new System.Formats.Tar.TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (StoreEntry().Match(entry.Name) is { Success: true } match) names.Add(match.Groups["name"].Value);
        }

        return names;
    }

    [GeneratedRegex(@"^\.?/?nix/store/[0-9a-z]{32}-(?<name>[^/]+)")]
    private static partial Regex StoreEntry();

    /// <summary>The script as a user runs it (it builds the program first); storage in the scratch directory.</summary>
    private Task<(int ExitCode, string Output, string Error)> NixeryScriptAsync(params string[] arguments) =>
        NixeryScriptAsync(new Dictionary<string, string>(), arguments);

    private Task<(int ExitCode, string Output, string Error)> NixeryScriptAsync(Dictionary<string, string> environment, params string[] arguments) =>
        ExternalTool.RunAsync(
            new Dictionary<string, string>(environment) { ["STORAGE_PATH"] = Path.Combine(_scratch, "storage") },
            Path.Combine(RepositoryRoot.Path, "scripts", "nixery"), arguments);

    private static async Task<int> LayerCountAsync(StandaloneServer server, string image)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{image}/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await server.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{image}: {(int)response.StatusCode} {body}");
        using var manifest = JsonDocument.Parse(body);
        return manifest.RootElement.GetProperty("layers").GetArrayLength();
    }

    [GeneratedRegex(@"^(?<digest>sha256:[0-9a-f]{64}) shell/hello:latest \((?<layers>\d+) layers\) written to (?<output>.+)$", RegexOptions.Multiline)]
    private static partial Regex LayoutWritten();
}
