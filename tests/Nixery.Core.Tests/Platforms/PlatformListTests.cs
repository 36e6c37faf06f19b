using Microsoft.Extensions.Options;
using Nixery.Abstractions.Requests;
using Nixery.Core.Platforms;

namespace Nixery.Core.Tests.Platforms;

/// <summary><c>Nixery:Platforms</c>: what it accepts, what it refuses at start (naming the entry), and its default.</summary>
public sealed class PlatformListTests
{
    private static ValidateOptionsResult Validate(params string[] platforms) =>
        new PlatformListValidator("Nixery").Validate(null, new NixeryOptions { Platforms = platforms });

    [Fact]
    public void Unset_means_the_hosts_platform_alone_and_no_index()
    {
        Assert.True(Validate().Succeeded);
        var platforms = new ImagePlatforms(Options.Create(new NixeryOptions()));
        Assert.Equal([ImagePlatforms.Host], platforms.All);
        Assert.False(platforms.IsMultiPlatform);
        Assert.Equal(Architecture.Amd64, ImagePlatforms.Host); // these machines are amd64
    }

    [Fact]
    public void Two_platforms_keep_their_order_and_map_to_nix_systems_and_oci_variants()
    {
        Assert.True(Validate("linux/arm64", "linux/amd64").Succeeded);
        var platforms = new ImagePlatforms(Options.Create(new NixeryOptions { Platforms = ["linux/arm64", "linux/amd64"] }));

        Assert.True(platforms.IsMultiPlatform);
        Assert.Equal(Architecture.Arm64, platforms.Default);
        Assert.Equal([("aarch64-linux", "arm64", (string?)"v8"), ("x86_64-linux", "amd64", null)],
            platforms.All.Select(p => (p.NixSystem, p.OciArchitecture, p.OciVariant)));
    }

    [Theory]
    [InlineData("linux/amd64", "x86_64-linux")]
    [InlineData("LINUX/ARM64", "aarch64-linux")]
    [InlineData("linux/arm64/v8", "aarch64-linux")]
    [InlineData(" linux/aarch64 ", "aarch64-linux")]
    public void Platform_names_are_read_as_container_tools_write_them(string name, string system)
    {
        Assert.True(ImagePlatforms.TryParse(name, out var platform));
        Assert.Equal(system, platform.NixSystem);
    }

    [Theory]
    [InlineData("linux/riscv64")]
    [InlineData("windows/amd64")]
    [InlineData("amd64")]
    [InlineData("")]
    public void An_unknown_platform_stops_the_start_naming_the_entry(string entry)
    {
        var result = Validate("linux/amd64", entry);

        Assert.True(result.Failed);
        Assert.Contains($"Nixery:Platforms:1 '{entry}' is not a platform Nixery builds for", result.FailureMessage);
        Assert.Contains("linux/arm64", result.FailureMessage);
    }

    [Fact]
    public void A_platform_listed_twice_even_spelled_differently_stops_the_start_naming_both()
    {
        var result = Validate("linux/arm64", "linux/amd64", "linux/arm64/v8");

        Assert.True(result.Failed);
        Assert.Contains("Nixery:Platforms:2 'linux/arm64/v8' repeats 'linux/arm64'", result.FailureMessage);
    }
}
