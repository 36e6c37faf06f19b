using Nixery.Abstractions.Requests;

namespace Nixery.Abstractions.Tests.Requests;

public class ImageRequestTests
{
    [Fact]
    public void Packages_are_sorted_so_that_name_order_does_not_make_another_image()
    {
        var a = ImageRequest.Parse("git/htop", "latest");
        var b = ImageRequest.Parse("htop/git", "latest");
        Assert.Equal(a.Packages, b.Packages);
        Assert.Equal(["cacert", "git", "htop", "iana-etc"], a.Packages);
    }

    [Fact]
    public void Shell_meta_package_expands_to_the_shell_packages()
    {
        var request = ImageRequest.Parse("shell/git", null);
        Assert.Equal(["bashInteractive", "cacert", "coreutils", "git", "iana-etc", "moreutils", "nano"], request.Packages);
        Assert.Equal("latest", request.Tag);
    }

    [Fact]
    public void Arm64_meta_package_selects_the_aarch64_system()
    {
        var request = ImageRequest.Parse("arm64/shell/hello", "v1");
        Assert.Equal(Architecture.Arm64, request.Architecture);
        Assert.Equal("aarch64-linux", request.Architecture.NixSystem);
        Assert.Equal("arm64", request.Architecture.OciArchitecture);
        Assert.Equal("v8", request.Architecture.OciVariant);
        Assert.True(request.ArchitectureSelected); // one manifest, never the index of every platform
        Assert.False(ImageRequest.Parse("shell/hello", "v1").ArchitectureSelected);
        Assert.Contains("bashInteractive", request.Packages);
        Assert.DoesNotContain("arm64", request.Packages);
        Assert.DoesNotContain("shell", request.Packages);
    }

    [Fact]
    public void Meta_packages_count_only_at_the_front()
    {
        var request = ImageRequest.Parse("hello/shell/arm64", null);
        Assert.Equal(Architecture.Amd64, request.Architecture);
        Assert.False(request.ArchitectureSelected);
        Assert.Contains("shell", request.Packages);
        Assert.Contains("arm64", request.Packages);
        Assert.DoesNotContain("bashInteractive", request.Packages);
    }

    [Theory]
    [InlineData("nonroot/shell/hello")]
    [InlineData("shell/nonroot/hello")]
    [InlineData("arm64/nonroot/hello")]
    public void Nonroot_meta_package_at_the_front_makes_a_non_root_image_and_is_no_package(string name)
    {
        var request = ImageRequest.Parse(name, null);
        Assert.True(request.NonRoot);
        Assert.DoesNotContain("nonroot", request.Packages);
        Assert.Contains("hello", request.Packages);
    }

    [Fact]
    public void Nonroot_after_an_ordinary_package_is_a_package_and_the_image_runs_as_root()
    {
        var request = ImageRequest.Parse("hello/nonroot", null);
        Assert.False(request.NonRoot);
        Assert.Contains("nonroot", request.Packages);
        Assert.False(ImageRequest.Parse("hello", null).NonRoot);
    }

    [Fact]
    public void Duplicate_packages_are_built_once()
    {
        var request = ImageRequest.Parse("hello/hello/cacert", null);
        Assert.Equal(["cacert", "hello", "iana-etc"], request.Packages);
    }

    [Fact]
    public void Always_included_packages_are_configurable()
    {
        var options = new ImageRequestOptions { AlwaysIncludedPackages = [] };
        Assert.Equal(["hello"], ImageRequest.Parse("hello", null, options).Packages);
    }

    [Fact]
    public void Nested_attribute_paths_and_leading_digits_are_valid_names()
    {
        var request = ImageRequest.Parse("python3packages.requests/1password", null);
        Assert.Contains("python3packages.requests", request.Packages);
        Assert.Contains("1password", request.Packages);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Hello", "'Hello'")]
    [InlineData("hello//git", "empty path component")]
    [InlineData("/hello", "empty path component")]
    [InlineData("hello/", "empty path component")]
    [InlineData("-hello", "'-hello'")]
    [InlineData("hello.", "'hello.'")]
    [InlineData("he llo", "'he llo'")]
    [InlineData("hello:tag", "'hello:tag'")]
    [InlineData("a...b", "'a...b'")]
    public void Names_outside_the_repository_grammar_are_typed_errors_naming_the_culprit(string name, string culprit)
    {
        var error = Assert.Throws<InvalidImageNameException>(() => ImageRequest.Parse(name, null));
        Assert.Contains(culprit, error.Message);
        Assert.Equal(name, error.Name);
    }

    [Fact]
    public void A_name_longer_than_255_characters_is_invalid()
    {
        var name = string.Join('/', Enumerable.Repeat("abcdefghij", 24)); // 263 characters
        Assert.Throws<InvalidImageNameException>(() => ImageRequest.Parse(name, null));
    }

    [Theory]
    [InlineData("-v1")]
    [InlineData(".v1")]
    [InlineData("v1/2")]
    [InlineData("v 1")]
    public void Tags_outside_the_tag_grammar_are_typed_errors(string tag)
    {
        var error = Assert.Throws<InvalidImageNameException>(() => ImageRequest.Parse("hello", tag));
        Assert.Contains(tag, error.Message);
    }

    [Fact]
    public void A_128_character_tag_is_valid_and_129_is_not()
    {
        Assert.Equal(new string('a', 128), ImageRequest.Parse("hello", new string('a', 128)).Tag);
        Assert.Throws<InvalidImageNameException>(() => ImageRequest.Parse("hello", new string('a', 129)));
    }
}
