using Nixery.Abstractions.Requests;
using Nixery.Core.Sources;

namespace Nixery.Core.Tests.Sources;

public class GitPackageSourceTests
{
    private const string Url = "https://example.org/pkgs.git";
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void Latest_renders_the_default_branch_as_an_explicit_HEAD_ref_and_is_not_pinned()
    {
        var reference = new GitPackageSource(Url).Resolve("latest");

        Assert.Equal(GitPackageSource.Expression, reference.Expression);
        Assert.Equal(new Dictionary<string, string> { ["url"] = Url, ["ref"] = "HEAD" }, reference.Arguments);
        Assert.False(reference.IsPinned);
        Assert.Equal($"git {Url} ref HEAD", reference.Identity);
    }

    [Fact]
    public void A_commit_hash_tag_renders_a_rev_and_is_pinned()
    {
        var reference = new GitPackageSource(Url).Resolve(Commit);

        Assert.Equal(new Dictionary<string, string> { ["url"] = Url, ["rev"] = Commit }, reference.Arguments);
        Assert.True(reference.IsPinned);
        Assert.Contains(Url, reference.Identity);
        Assert.Contains(Commit, reference.Identity);
    }

    [Fact]
    public void An_upper_case_commit_hash_is_lower_cased_so_both_spellings_share_an_identity()
    {
        var source = new GitPackageSource(Url);

        var upper = source.Resolve(Commit.ToUpperInvariant());

        Assert.Equal(Commit, upper.Arguments["rev"]);
        Assert.Equal(source.Resolve(Commit).Identity, upper.Identity);
    }

    [Theory]
    [InlineData("main")]
    [InlineData("release-24.05")]
    [InlineData("0123456789abcdef")] // too short for a commit: a ref
    public void Any_other_tag_renders_a_ref_and_is_not_pinned(string tag)
    {
        var reference = new GitPackageSource(Url).Resolve(tag);

        Assert.Equal(new Dictionary<string, string> { ["url"] = Url, ["ref"] = tag }, reference.Arguments);
        Assert.False(reference.IsPinned);
        Assert.Equal($"git {Url} ref {tag}", reference.Identity);
    }

    [Fact]
    public void A_ref_prefix_makes_tags_select_git_tags_but_leaves_latest_and_commits_alone()
    {
        var source = new GitPackageSource(Url, refPrefix: "refs/tags/");

        Assert.Equal("refs/tags/v1.0", source.Resolve("v1.0").Arguments["ref"]);
        Assert.Equal("HEAD", source.Resolve("latest").Arguments["ref"]);
        Assert.Equal(Commit, source.Resolve(Commit).Arguments["rev"]);
    }

    [Fact]
    public void Identity_differs_between_repositories_and_between_revisions()
    {
        var identities = new[]
        {
            new GitPackageSource(Url).Resolve(Commit).Identity,
            new GitPackageSource("file:///other").Resolve(Commit).Identity,
            new GitPackageSource(Url).Resolve(Commit.Replace('0', 'f')).Identity,
            new GitPackageSource(Url).Resolve("main").Identity,
            new GitPackageSource(Url).Resolve("latest").Identity,
        };

        Assert.Equal(identities.Length, identities.Distinct().Count());
    }

    [Fact]
    public void Resolving_the_same_tag_twice_gives_equal_identities()
    {
        Assert.Equal(new GitPackageSource(Url).Resolve(Commit).Identity, new GitPackageSource(Url).Resolve(Commit).Identity);
    }

    [Fact]
    public void Description_names_the_repository()
    {
        Assert.Contains(Url, new GitPackageSource(Url).Description);
    }

    [Fact]
    public void Latest_tag_constant_is_what_the_source_treats_as_the_default_branch()
    {
        Assert.Equal("HEAD", new GitPackageSource(Url).Resolve(ImageRequest.LatestTag).Arguments["ref"]);
    }

    [Theory]
    [InlineData("", "refs/heads/")]
    [InlineData("refs/tags/", "refs/tags/")]
    [InlineData("refs/tags/v", "refs/tags/v")]
    [InlineData("release-", "refs/heads/release-")]
    public void Tags_are_listed_from_the_ref_namespace_the_prefix_points_into(string refPrefix, string listed) =>
        Assert.Equal(listed, GitPackageSource.ListedRefPrefix(refPrefix));

    [Fact]
    public void Ls_remote_output_gives_the_names_below_the_listed_prefix_without_peeled_tags_or_commit_hashes()
    {
        const string output =
            "1111111111111111111111111111111111111111\tHEAD\n" +
            "1111111111111111111111111111111111111111\trefs/heads/main\n" +
            "2222222222222222222222222222222222222222\trefs/heads/feature/x\n" +
            $"3333333333333333333333333333333333333333\trefs/heads/{Commit}\n" +
            "4444444444444444444444444444444444444444\trefs/tags/v1\n" +
            "5555555555555555555555555555555555555555\trefs/tags/v1^{}\n" +
            "not a ref line\n\n";

        Assert.Equal(["main", "feature/x"], GitPackageSource.TagsFromRefs(output, "refs/heads/"));
        Assert.Equal(["v1"], GitPackageSource.TagsFromRefs(output, "refs/tags/"));
        Assert.Equal(["1"], GitPackageSource.TagsFromRefs(output, "refs/tags/v"));
    }

    [Fact]
    public void Git_package_sources_can_list_tags_and_path_and_channel_sources_cannot()
    {
        Assert.True(typeof(Abstractions.Sources.IPackageSourceTags).IsAssignableFrom(typeof(GitPackageSource)));
        Assert.False(typeof(Abstractions.Sources.IPackageSourceTags).IsAssignableFrom(typeof(PathPackageSource)));
        Assert.False(typeof(Abstractions.Sources.IPackageSourceTags).IsAssignableFrom(typeof(ChannelPackageSource)));
    }
}
