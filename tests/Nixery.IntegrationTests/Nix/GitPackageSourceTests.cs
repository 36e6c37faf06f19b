using Nixery.Testing;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Core.Nix;
using Nixery.Core.Sources;

using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Nix;

/// <summary>
/// A git repository made from a copy of the demo set: <c>main</c> says "Hello, world!", branch <c>other</c> (also
/// tagged <c>v1</c>) says something else; branch <c>feature/x</c> has a name that is no valid image tag. Served as a working copy and as a bare clone, because Nix 2.8 fetches the two
/// differently (local <c>git rev-parse</c> versus <c>git fetch</c>).
/// </summary>
public sealed class GitPackageSourceTests : IClassFixture<NixFixture>, IDisposable
{
    private const string OtherMessage = "Hello from the other branch!";
    private readonly NixFixture _fixture;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"nixery-git-{Guid.NewGuid():N}");
    private readonly string _otherCommit;

    public GitPackageSourceTests(NixFixture fixture)
    {
        _fixture = fixture;
        Tools.RequireGit();
        var work = Path.Combine(_directory, "work");
        Tools.CopyDirectory(RepositoryRoot.DemoPackages, work);
        Git(work, "init", "-q", "-b", "main");
        Git(work, "add", ".");
        Git(work, "commit", "-q", "-m", "demo packages");
        Git(work, "checkout", "-q", "-b", "other");
        File.WriteAllText(Path.Combine(work, "hello-message.txt"), OtherMessage + "\n");
        Git(work, "commit", "-q", "-a", "-m", "another greeting");
        Git(work, "tag", "v1");
        _otherCommit = Git(work, "rev-parse", "HEAD");
        Git(work, "checkout", "-q", "main");
        Git(work, "branch", "feature/x");
        Git(_directory, "clone", "-q", "--bare", work, Path.Combine(_directory, "bare.git"));
    }

    private static string Git(string directory, params string[] arguments) =>
        Tools.Run("git", ["-c", "user.name=Nixery tests", "-c", "user.email=tests@nixery.invalid", .. arguments], directory);

    private string Url(string repository) => new Uri(Path.Combine(_directory, repository)).AbsoluteUri;

    private async Task<string> HelloOutputAsync(PackageSetReference reference)
    {
        var outcome = await _fixture.CreateClient().BuildAsync(ImageRequest.Parse("hello", "latest"), reference);
        await using var closure = Assert.IsType<RealisedClosure>(outcome);
        var hello = Assert.Single(closure.Graph.TopLevel, p => StorePath.NameOf(p) == "hello-2.12.1");
        return Tools.Run(Path.Combine(hello, "bin", "hello"), []);
    }

    [Theory]
    [InlineData("work")]
    [InlineData("bare.git")]
    public void A_commit_tag_gives_the_revision_and_git_s_committer_time_and_a_branch_neither(string repository)
    {
        var source = new GitPackageSource(Url(repository));
        var committed = DateTimeOffset.FromUnixTimeSeconds(long.Parse(
            Git(Path.Combine(_directory, "work"), "show", "--no-patch", "--format=%ct", _otherCommit), System.Globalization.CultureInfo.InvariantCulture));

        var pinned = source.Resolve(_otherCommit.ToUpperInvariant());
        var branch = source.Resolve("other");

        Assert.Equal((Url(repository), _otherCommit, committed), (pinned.Source, pinned.Revision, pinned.RevisionTime));
        Assert.Equal((Url(repository), null, null), (branch.Source, branch.Revision, (DateTimeOffset?)branch.RevisionTime));
    }

    [Fact]
    public void A_commit_of_an_unreachable_repository_has_its_revision_but_no_time()
    {
        var pinned = new GitPackageSource(Url("no-such-repository")).Resolve(_otherCommit);

        Assert.Equal(_otherCommit, pinned.Revision);
        Assert.Null(pinned.RevisionTime);
    }

    [Theory]
    [InlineData("work")]
    [InlineData("bare.git")]
    public async Task Latest_resolves_to_the_default_branch(string repository)
    {
        var source = new GitPackageSource(Url(repository));

        Assert.Equal("Hello, world!", await HelloOutputAsync(source.Resolve("latest")));
    }

    [Theory]
    [InlineData("work")]
    [InlineData("bare.git")]
    public async Task A_branch_name_tag_resolves_to_that_branch(string repository)
    {
        var source = new GitPackageSource(Url(repository));

        Assert.Equal(OtherMessage, await HelloOutputAsync(source.Resolve("other")));
        Assert.Equal("Hello, world!", await HelloOutputAsync(source.Resolve("main")));
    }

    [Theory]
    [InlineData("work")]
    [InlineData("bare.git")]
    public async Task A_commit_hash_tag_off_the_default_branch_resolves_to_that_commit(string repository)
    {
        var reference = new GitPackageSource(Url(repository)).Resolve(_otherCommit);

        Assert.True(reference.IsPinned);
        Assert.Equal(OtherMessage, await HelloOutputAsync(reference));
    }

    [Fact]
    public async Task Git_tags_resolve_with_the_refs_tags_prefix()
    {
        var source = new GitPackageSource(Url("bare.git"), refPrefix: "refs/tags/");

        Assert.Equal(OtherMessage, await HelloOutputAsync(source.Resolve("v1")));
    }

    [Fact]
    public async Task Branches_give_different_out_paths_for_hello_but_share_busybox()
    {
        var source = new GitPackageSource(Url("work"));
        var client = _fixture.CreateClient();

        await using var main = Assert.IsType<RealisedClosure>(await client.BuildAsync(ImageRequest.Parse("hello", "main"), source.Resolve("main")));
        await using var other = Assert.IsType<RealisedClosure>(await client.BuildAsync(ImageRequest.Parse("hello", "other"), source.Resolve("other")));

        Assert.NotEqual(main.Graph.TopLevel, other.Graph.TopLevel);
        var busybox = Assert.Single(main.Graph.Paths, p => p.Name == "busybox-1.35.0").Path;
        Assert.Contains(other.Graph.Paths, p => p.Path == busybox);
    }

    [Fact]
    public async Task A_branch_that_does_not_exist_is_an_evaluation_error()
    {
        var reference = new GitPackageSource(Url("bare.git")).Resolve("no-such-branch");

        var failure = await Assert.ThrowsAsync<Abstractions.Building.NixFailureException>(
            () => _fixture.CreateClient().BuildAsync(ImageRequest.Parse("hello", "latest"), reference));

        Assert.Equal(Abstractions.Building.NixFailureKind.Evaluation, failure.Kind);
    }

    [Theory]
    [InlineData("work")]
    [InlineData("bare.git")]
    public async Task Listing_tags_gives_the_branch_names_in_the_repository(string repository)
    {
        var tags = await new GitPackageSource(Url(repository)).ListTagsAsync(CancellationToken.None);

        Assert.Equal(["feature/x", "main", "other"], tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Listing_tags_with_the_refs_tags_prefix_gives_the_git_tag_names()
    {
        var tags = await new GitPackageSource(Url("bare.git"), refPrefix: "refs/tags/").ListTagsAsync(CancellationToken.None);

        Assert.Equal(["v1"], tags);
    }

    [Fact]
    public async Task A_listing_is_reused_within_its_cache_lifetime_and_renewed_after_it()
    {
        var cached = new GitPackageSource(Url("work"));
        var uncached = new GitPackageSource(Url("work")) { TagListCacheLifetime = TimeSpan.Zero };
        await cached.ListTagsAsync(CancellationToken.None);
        await uncached.ListTagsAsync(CancellationToken.None);

        Git(Path.Combine(_directory, "work"), "branch", "added");

        Assert.DoesNotContain("added", await cached.ListTagsAsync(CancellationToken.None));
        Assert.Contains("added", await uncached.ListTagsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Listing_the_tags_of_a_repository_that_does_not_exist_fails_with_gits_message()
    {
        var source = new GitPackageSource(Url("no-such-repository"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => source.ListTagsAsync(CancellationToken.None));

        Assert.Contains("no-such-repository", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort under the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // git makes its objects read-only; the temp directory is cleaned eventually.
        }
    }
}
