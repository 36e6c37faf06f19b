using System.Text.Json;
using Nixery.IntegrationTests.Nix;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// Image config from <c>Nixery:Images</c> settings, with the labels of a git package set, seen through real skopeo and
/// podman; and the same request answered with the same digests by two servers that share nothing but Nix's store.
/// </summary>
public sealed class ImageConfigSettingsTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-image-config-").FullName;
    private string _url = null!;
    private string _commit = null!;
    private long _commitTime;
    private StandaloneServer _server = null!;
    private StandaloneServer _elsewhere = null!;

    private static readonly string[] Settings =
    [
        "--Nixery:Images:Entrypoint:0=/usr/bin/env",
        "--Nixery:Images:Cmd:0=hello",
        "--Nixery:Images:WorkingDir=/tmp",
        "--Nixery:Images:Environment:0=GREETING_STYLE=plain",
        "--Nixery:Images:Labels:org.example.team=registry",
    ];

    public async Task InitializeAsync()
    {
        Tools.RequireGit();
        var work = Path.Combine(_directory, "repository");
        _commit = Tools.CommitDemoPackages(work);
        _commitTime = long.Parse(Tools.Git(work, "show", "--no-patch", "--format=%ct", "HEAD"), System.Globalization.CultureInfo.InvariantCulture);
        _url = new Uri(work).AbsoluteUri;

        var environment = new Dictionary<string, string> { ["NIXERY_PKGS_REPO"] = _url };
        _server = await StandaloneServer.StartAsync(environment, Settings);
        _elsewhere = await StandaloneServer.StartAsync(environment, Settings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _elsewhere.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<JsonElement> InspectAsync(StandaloneServer server, string image, bool config)
    {
        string[] arguments = config ? ["inspect", "--config", "--tls-verify=false"] : ["inspect", "--tls-verify=false"];
        var output = await ExternalTool.RunCheckedAsync("skopeo", [.. arguments, $"docker://{server.Host}/{image}"]);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Skopeo_shows_the_configured_entrypoint_cmd_working_directory_environment_and_labels_with_the_commit_s_revision_and_time()
    {
        var image = await InspectAsync(_server, $"nonroot/hello:{_commit}", config: true);

        var created = DateTimeOffset.FromUnixTimeSeconds(_commitTime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(created, image.GetProperty("created").GetString());
        var config = image.GetProperty("config");
        Assert.Equal(["/usr/bin/env"], Strings(config.GetProperty("Entrypoint")));
        Assert.Equal(["hello"], Strings(config.GetProperty("Cmd")));
        Assert.Equal("/tmp", config.GetProperty("WorkingDir").GetString());
        Assert.Equal("65532:65532", config.GetProperty("User").GetString());
        Assert.Contains("GREETING_STYLE=plain", Strings(config.GetProperty("Env")));
        Assert.Contains("PATH=/bin:/usr/bin:/sbin", Strings(config.GetProperty("Env")));
        var labels = config.GetProperty("Labels");
        Assert.Equal("registry", labels.GetProperty("org.example.team").GetString());
        Assert.Equal(_url, labels.GetProperty("org.opencontainers.image.source").GetString());
        Assert.Equal(_commit, labels.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.Equal(created, labels.GetProperty("org.opencontainers.image.created").GetString());
    }

    [Fact]
    public async Task The_sbom_of_a_commit_s_image_names_the_package_set_s_source_and_revision()
    {
        using var sbom = JsonDocument.Parse(await Sbom.RegistrySbom.SbomAsync(_server.Client, "hello", _commit));

        var properties = sbom.RootElement.GetProperty("metadata").GetProperty("properties").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString());
        Assert.Equal(_url, properties["nixery:package_set_source"]);
        Assert.Equal(_commit, properties["nixery:package_set_revision"]);
        Assert.Contains(_commit, properties["nixery:package_set"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_of_a_branch_names_its_source_but_no_revision_and_keeps_the_fixed_creation_time()
    {
        var image = await InspectAsync(_server, "hello:latest", config: true);

        Assert.Equal("1970-01-01T00:00:01Z", image.GetProperty("created").GetString());
        var labels = image.GetProperty("config").GetProperty("Labels");
        Assert.Equal(_url, labels.GetProperty("org.opencontainers.image.source").GetString());
        Assert.False(labels.TryGetProperty("org.opencontainers.image.revision", out _));
        Assert.False(labels.TryGetProperty("org.opencontainers.image.created", out _));
    }

    [Fact]
    public async Task Podman_runs_the_configured_entrypoint_and_cmd_as_nonroot_in_the_configured_directory()
    {
        var image = $"{_server.Host}/nonroot/shell/hello:{_commit}";
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);

            Assert.Equal("Hello, world!", (await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image)).Trim());
            var inside = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "sh", "-c", "id -u; pwd; echo $GREETING_STYLE");
            Assert.Equal(["65532", "/tmp", "plain"], inside.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
        }
    }

    [Theory]
    [InlineData("nonroot/shell/hello")]
    [InlineData("shell/hello")]
    public async Task Two_servers_with_their_own_stores_answer_the_same_request_with_the_same_digests(string name)
    {
        var here = await InspectAsync(_server, $"{name}:{_commit}", config: false);
        var there = await InspectAsync(_elsewhere, $"{name}:{_commit}", config: false);

        Assert.Equal(here.GetProperty("Digest").GetString(), there.GetProperty("Digest").GetString());
        Assert.Equal(Strings(here.GetProperty("Layers")), Strings(there.GetProperty("Layers")));
        Assert.NotEqual(here.GetProperty("Digest").GetString(), (await InspectAsync(_server, $"{name}:latest", config: false)).GetProperty("Digest").GetString());
    }
}
