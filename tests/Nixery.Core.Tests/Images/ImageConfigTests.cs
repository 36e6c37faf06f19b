using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Core.Images;

namespace Nixery.Core.Tests.Images;

/// <summary>The image config from <c>Nixery:Images</c> settings, the request and the package set, and the settings' checks.</summary>
public sealed class ImageConfigTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly PackageSetReference Unpinned = new("path", new Dictionary<string, string>(), "path /x", IsPinned: false);

    private ImageConfigOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("Nixery:Images:" + s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddNixery(configuration.GetSection("Nixery")).UseFileSystemStorage(_temp.Path);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<NixeryOptions>>().Value.Images;
    }

    private static JsonElement Config(string name, ImageConfigOptions options, PackageSetReference? packageSet = null) =>
        JsonDocument.Parse(ImageDocuments.Config(ImageRequest.Parse(name, null), [], options, packageSet)).RootElement.Clone();

    [Fact]
    public void Without_settings_a_shell_image_runs_bash_and_others_have_no_command_user_working_directory_or_labels()
    {
        var shell = Config("shell/hello", new ImageConfigOptions()).GetProperty("config");
        var plain = Config("hello", new ImageConfigOptions(), Unpinned);

        Assert.Equal(["bash"], shell.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("1970-01-01T00:00:01Z", plain.GetProperty("created").GetString());
        var config = plain.GetProperty("config");
        foreach (var absent in new[] { "Cmd", "Entrypoint", "User", "WorkingDir", "Labels" })
            Assert.False(config.TryGetProperty(absent, out _), absent);
        Assert.Contains("PATH=/bin:/usr/bin:/sbin", config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Configured_environment_variables_are_added_to_the_default_path_and_certificate_file()
    {
        var env = Config("hello", Bind(("Environment:0", "LANG=C.UTF-8"))).GetProperty("config").GetProperty("Env");

        Assert.Equal(["PATH=/bin:/usr/bin:/sbin", "SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt", "LANG=C.UTF-8"], env.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void A_non_root_image_runs_as_65532_numerically_in_its_home()
    {
        var config = Config("nonroot/hello", new ImageConfigOptions()).GetProperty("config");

        Assert.Equal("65532:65532", config.GetProperty("User").GetString());
        Assert.Equal("/home/nonroot", config.GetProperty("WorkingDir").GetString());
    }

    [Fact]
    public void Bound_settings_give_entrypoint_cmd_working_directory_and_labels_over_the_defaults()
    {
        var options = Bind(
            ("Entrypoint:0", "/bin/hello"), ("Entrypoint:1", "--loud"), ("Cmd:0", "world"), ("WorkingDir", "/srv"),
            ("Labels:org.example.team", "registry"), ("Labels:org.opencontainers.image.source", "https://example.org/override"));

        var config = Config("shell/hello", options).GetProperty("config");

        Assert.Equal(["/bin/hello", "--loud"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["world"], config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString())); // instead of bash
        Assert.Equal("/srv", config.GetProperty("WorkingDir").GetString());
        Assert.Equal("registry", config.GetProperty("Labels").GetProperty("org.example.team").GetString());
        Assert.Equal("https://example.org/override", config.GetProperty("Labels").GetProperty("org.opencontainers.image.source").GetString());
    }

    [Fact]
    public void A_package_set_with_a_revision_labels_source_revision_and_commit_time_and_is_created_then()
    {
        var commit = new string('a', 40);
        var set = Unpinned with { Source = "file:///srv/pkgs", Revision = commit, RevisionTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };

        var image = Config("hello", new ImageConfigOptions(), set);
        var again = ImageDocuments.Config(ImageRequest.Parse("hello", null), [], new ImageConfigOptions(), set);

        var labels = image.GetProperty("config").GetProperty("Labels");
        Assert.Equal("file:///srv/pkgs", labels.GetProperty("org.opencontainers.image.source").GetString());
        Assert.Equal(commit, labels.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.Equal("2023-11-14T22:13:20Z", labels.GetProperty("org.opencontainers.image.created").GetString());
        Assert.Equal("2023-11-14T22:13:20Z", image.GetProperty("created").GetString());
        Assert.Equal(["org.opencontainers.image.created", "org.opencontainers.image.revision", "org.opencontainers.image.source"],
            labels.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ImageDocuments.Config(ImageRequest.Parse("hello", null), [], new ImageConfigOptions(), set), again);
    }

    [Fact]
    public void The_source_setting_replaces_the_package_set_s_url()
    {
        var set = Unpinned with { Source = "file:///srv/pkgs" };

        var labels = Config("hello", Bind(("Source", "https://git.example/pkgs")), set).GetProperty("config").GetProperty("Labels");

        Assert.Equal("https://git.example/pkgs", labels.GetProperty("org.opencontainers.image.source").GetString());
    }

    [Theory]
    [InlineData("Environment:0", "no-equals-sign", "Nixery:Images:Environment entries must be NAME=value with a name of letters, digits and '_', not 'no-equals-sign'")]
    [InlineData("Environment:0", "1BAD=x", "Nixery:Images:Environment entries must be NAME=value with a name of letters, digits and '_', not '1BAD=x'")]
    [InlineData("WorkingDir", "srv", "Nixery:Images:WorkingDir must be an absolute path, not 'srv'")]
    [InlineData("Source", "not a url", "Nixery:Images:Source must be an absolute URL, not 'not a url'")]
    [InlineData("Entrypoint:0", "", "Nixery:Images:Entrypoint:0 must name the program to run")]
    [InlineData("Cmd:0", "", "Nixery:Images:Cmd:0 must name the program to run")]
    [InlineData("Created", "1960-01-01T00:00:00Z", "Nixery:Images:Created must not be before 1970-01-01")]
    [InlineData("Labels:bad label", "x", "Nixery:Images:Labels has a label named 'bad label'")]
    public void A_wrong_image_setting_fails_validation_naming_its_key(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind((key, value)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
