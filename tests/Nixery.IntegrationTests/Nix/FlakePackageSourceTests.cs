using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Core.Nix;
using Nixery.Core.Sources;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Nix;

/// <summary>
/// <see cref="FlakePackageSource"/> with real Nix 2.8, offline: what locking makes of local and git flakes, and that
/// only a flake's evaluation is given the experimental features it needs.
/// </summary>
public sealed class FlakePackageSourceTests(NixFixture fixture) : IClassFixture<NixFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nixery-flake-source-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private FlakePackageSource Source(string flake, Action<NixOptions>? configure = null)
    {
        var options = fixture.CreateServices(configure).GetRequiredService<IOptions<NixOptions>>();
        return new FlakePackageSource(FlakeReference.Parse(flake), "", options, NullLogger<FlakePackageSource>.Instance);
    }

    [Fact]
    public async Task Only_a_flake_s_evaluation_gets_the_flake_features_and_packages_win_over_legacy_packages()
    {
        var calls = new NixCallLog(Path.Combine(_scratch, "calls"));
        void Logged(NixOptions options) => options.NixBinDirectory = calls.BinDirectory;
        var flake = Source("path:" + RepositoryRoot.DemoPackages, Logged);
        var client = fixture.CreateClient(Logged);

        var locked = await flake.LockAsync(flake.Resolve("latest"), CancellationToken.None);
        await using var fromFlake = Assert.IsType<RealisedClosure>(await client.BuildAsync(ImageRequest.Parse("hello", "latest"), locked));
        var flakeCalls = calls.Calls();
        await using var fromPath = Assert.IsType<RealisedClosure>(await client.BuildAsync(
            ImageRequest.Parse("hello", "latest"), new PathPackageSource(RepositoryRoot.DemoPackages).Resolve("latest")));
        var pathCalls = calls.Calls().Skip(flakeCalls.Count).ToList();

        Assert.Contains(fromFlake.Graph.TopLevel, p => p.EndsWith("-hello-flake-2.12.1", StringComparison.Ordinal));
        Assert.Contains(fromPath.Graph.TopLevel, p => p.EndsWith("-hello-2.12.1", StringComparison.Ordinal));
        Assert.Contains(flakeCalls, c => c.Command == "nix" && c.Arguments.StartsWith("flake metadata --json", StringComparison.Ordinal));
        var flakeEvaluation = Assert.Single(flakeCalls, c => c.Command == "nix-instantiate");
        Assert.Contains("--extra-experimental-features nix-command flakes", flakeEvaluation.Arguments);
        var pathEvaluation = Assert.Single(pathCalls, c => c.Command == "nix-instantiate");
        Assert.DoesNotContain("experimental-features", pathEvaluation.Arguments);
        Assert.DoesNotContain(calls.Calls(), c => c.Command == "nix-store" && c.Arguments.Contains("experimental", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_local_flake_is_pinned_by_its_content_and_a_change_of_content_is_another_package_set()
    {
        var directory = Path.Combine(_scratch, "flake");
        Tools.CopyDirectory(RepositoryRoot.DemoPackages, directory);
        var source = Source("path:" + directory);

        var before = await source.LockAsync(source.Resolve("latest"), CancellationToken.None);
        var same = await source.LockAsync(source.Resolve("v2"), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(directory, "hello-message.txt"), "Changed!\n");
        var after = await source.LockAsync(source.Resolve("latest"), CancellationToken.None);

        Assert.True(before.IsPinned);
        Assert.Contains("narHash sha256-", before.Identity);
        Assert.Equal(before.Identity, same.Identity);
        Assert.NotEqual(before.Identity, after.Identity);
        Assert.Null(before.Revision);
        Assert.Null(before.RevisionTime);
        Assert.False(File.Exists(Path.Combine(directory, "flake.lock")));
    }

    [Fact]
    public async Task A_flake_with_inputs_but_no_flake_lock_is_not_pinned_because_its_inputs_may_move()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_scratch, "with-input")).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "flake.nix"), $$"""
            {
              inputs.demo.url = "path:{{RepositoryRoot.DemoPackages}}";
              outputs = { self, demo }: { legacyPackages = demo.legacyPackages; };
            }
            """);
        var source = Source("path:" + directory);

        var locked = await source.LockAsync(source.Resolve("latest"), CancellationToken.None);

        Assert.False(locked.IsPinned);
        Assert.False(File.Exists(Path.Combine(directory, "flake.lock")));
    }

    [Fact]
    public async Task A_git_flake_s_branch_is_locked_to_its_commit_with_the_commit_time_and_an_unknown_branch_fails_naming_it()
    {
        Tools.RequireGit();
        var work = Path.Combine(_scratch, "repository");
        var commit = Tools.CommitDemoPackages(work);
        var seconds = long.Parse(Tools.Git(work, "show", "--no-patch", "--format=%ct", commit), System.Globalization.CultureInfo.InvariantCulture);
        var source = Source("git+" + new Uri(work).AbsoluteUri);

        var branch = await source.LockAsync(source.Resolve("main"), CancellationToken.None);
        var byCommit = await source.LockAsync(source.Resolve(commit), CancellationToken.None);
        var failure = await Assert.ThrowsAsync<NixFailureException>(() => source.LockAsync(source.Resolve("no-such-branch"), CancellationToken.None));

        Assert.True(branch.IsPinned);
        Assert.Equal(commit, branch.Revision);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(seconds), branch.RevisionTime);
        Assert.Equal(byCommit.Identity, branch.Identity);
        Assert.Contains($"rev={commit}", branch.Arguments["flake"]);
        Assert.Equal(NixFailureKind.Evaluation, failure.Kind);
        Assert.Contains("no-such-branch", failure.Message);
    }
}
