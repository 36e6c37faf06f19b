using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Sources;
using Nixery.Core.Sources;

namespace Nixery.Core.Tests.DependencyInjection;

public class FlakePackageSourceRegistrationTests
{
    private static ServiceProvider Provider(IEnumerable<KeyValuePair<string, string?>> settings, Action<INixeryBuilder>? configure = null) =>
        ConfiguredEngine.Provider(settings, configure);

    [Fact]
    public void Nixery_PackageSource_Flake_with_RefPrefix_chooses_the_flake_source()
    {
        using var provider = Provider([new("Nixery:PackageSource:Flake", "github:owner/packages"), new("Nixery:PackageSource:RefPrefix", "refs/tags/")]);

        // A git flake lists its refs as tags.
        var source = Assert.IsType<GitFlakePackageSource>(provider.GetRequiredService<IPackageSource>()).Flake;
        Assert.Equal("github:owner/packages", source.Flake.Value);
        Assert.Equal("refs/tags/", source.RefPrefix);
        Assert.Equal("flake github:owner/packages", source.Description);
    }

    [Fact]
    public void UseFlakePackageSource_in_code_wins_over_configuration()
    {
        using var provider = Provider([new("Nixery:PackageSource:Repository", "https://example.org/pkgs.git")],
            nixery => nixery.UseFlakePackageSource("gitlab:owner/packages"));

        Assert.Equal("gitlab:owner/packages", Assert.IsType<GitFlakePackageSource>(provider.GetRequiredService<IPackageSource>()).Flake.Flake.Value);
    }

    [Fact]
    public void A_flake_that_is_no_git_repository_has_no_tags_to_list_like_a_path()
    {
        using var provider = Provider([new("Nixery:PackageSource:Flake", "tarball+https://example.org/packages.tar.gz")]);

        var source = provider.GetRequiredService<IPackageSource>();
        Assert.IsType<FlakePackageSource>(source);
        Assert.False(source is IPackageSourceTags);
    }

    [Fact]
    public void A_wrong_flake_in_configuration_fails_validation_naming_the_setting_and_value()
    {
        using var provider = Provider([new("Nixery:PackageSource:Flake", "github:owner")]);

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NixeryOptions>>().Value);
        Assert.Contains("Nixery:PackageSource:Flake 'github:owner' is not a flake reference: github: needs owner/repository", failure.Message);
    }

    [Fact]
    public void A_wrong_flake_in_code_is_refused_at_once() =>
        Assert.Contains("'no such flake' is not a flake reference",
            Assert.Throws<ArgumentException>(() => Provider([], nixery => nixery.UseFlakePackageSource("no such flake"))).Message);
}
