using Nixery.Core.Sources;

namespace Nixery.Core.Tests.Sources;

public sealed class FlakeReferenceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public FlakeReferenceTests() => File.WriteAllText(_directory.Combine("flake.nix"), "{ outputs = { self }: { }; }");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("github:NixOS/nixpkgs", "github", true)]
    [InlineData("github:NixOS/nixpkgs/nixos-unstable", "github", true)]
    [InlineData("gitlab:owner/repo?ref=main", "gitlab", true)]
    [InlineData("git+https://example.org/pkgs.git?ref=main", "git+https", true)]
    [InlineData("git+ssh://git@example.org/pkgs.git", "git+ssh", true)]
    [InlineData("tarball+https://example.org/pkgs.tar.gz", "tarball+https", false)]
    [InlineData("https://example.org/pkgs.tar.gz", "https", false)]
    [InlineData("nixpkgs", "", false)]
    [InlineData("nixpkgs/nixos-unstable", "", false)]
    public void References_nix_accepts_parse_and_keep_their_text(string value, string scheme, bool isGit)
    {
        var reference = FlakeReference.Parse(value);

        Assert.Equal(value, reference.Value);
        Assert.Equal(scheme, reference.Scheme);
        Assert.Equal(isGit, reference.IsGit);
    }

    [Fact]
    public void A_local_path_flake_is_made_absolute_and_keeps_its_query()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, _directory.Path);

        Assert.Equal("path:" + _directory.Path, FlakeReference.Parse("path:" + relative).Value);
        Assert.Equal("path:" + _directory.Path + "?narHash=x", FlakeReference.Parse("path:" + _directory.Path + "/?narHash=x").Value);
        Assert.Equal(_directory.Path, FlakeReference.Parse(_directory.Path + "/").Value);
        Assert.False(FlakeReference.Parse("path:" + _directory.Path).IsGit);
    }

    [Fact]
    public void A_git_file_flake_is_git_and_git_names_it_without_the_query()
    {
        var reference = FlakeReference.Parse($"git+file://{_directory.Path}?ref=main");

        Assert.True(reference.IsGit);
        Assert.Equal($"file://{_directory.Path}", reference.GitUrl);
    }

    [Theory]
    [InlineData("github:NixOS/nixpkgs/nixos-unstable", "https://github.com/NixOS/nixpkgs")]
    [InlineData("gitlab:owner/repo", "https://gitlab.com/owner/repo")]
    [InlineData("sourcehut:~owner/repo", "https://git.sr.ht/~owner/repo")]
    [InlineData("git+https://example.org/pkgs.git?ref=main", "https://example.org/pkgs.git")]
    [InlineData("tarball+https://example.org/pkgs.tar.gz", null)]
    public void Git_urls_of_forges_and_git_schemes(string value, string? gitUrl) =>
        Assert.Equal(gitUrl, FlakeReference.Parse(value).GitUrl);

    [Theory]
    [InlineData("github:NixOS/nixpkgs/nixos-unstable", "main", null, "github:NixOS/nixpkgs?ref=main")]
    [InlineData("github:NixOS/nixpkgs?ref=old&host=example.org", null, "0123456789abcdef0123456789abcdef01234567", "github:NixOS/nixpkgs?host=example.org&rev=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("git+https://example.org/pkgs.git?ref=main&dir=sub", "refs/tags/v1", null, "git+https://example.org/pkgs.git?dir=sub&ref=refs%2Ftags%2Fv1")]
    [InlineData("git+https://example.org/pkgs.git?ref=main", null, null, "git+https://example.org/pkgs.git?ref=main")]
    [InlineData("tarball+https://example.org/pkgs.tar.gz", "main", null, "tarball+https://example.org/pkgs.tar.gz")]
    public void Selecting_a_ref_or_commit_replaces_the_one_the_reference_names(string value, string? gitRef, string? rev, string expected) =>
        Assert.Equal(expected, FlakeReference.Parse(value).Select(gitRef, rev));

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("github:NixOS nixpkgs", "white space")]
    [InlineData("github:NixOS/nixpkgs#hello", "names an output after '#'")]
    [InlineData("gihtub:NixOS/nixpkgs", "Nix knows no flake references of kind 'gihtub:'")]
    [InlineData("github:nixpkgs", "github: needs owner/repository")]
    [InlineData("git+file:relative/repo", "git+file: needs an absolute path")]
    [InlineData("git+file:///nonexistent/nixery-flake", "'/nonexistent/nixery-flake' is no directory")]
    [InlineData("path:/nonexistent/nixery-flake", "'/nonexistent/nixery-flake' is no directory with a flake.nix")]
    [InlineData("/nonexistent/nixery-flake", "'/nonexistent/nixery-flake' is no directory with a flake.nix")]
    [InlineData("-nixpkgs", "neither a URL-like reference")]
    public void What_is_no_flake_reference_is_refused_saying_why(string value, string problem)
    {
        Assert.False(FlakeReference.TryParse(value, out _, out var why));
        Assert.Contains(problem, why);
        var thrown = Assert.Throws<ArgumentException>(() => FlakeReference.Parse(value));
        Assert.Contains($"'{value}' is not a flake reference", thrown.Message);
    }
}
