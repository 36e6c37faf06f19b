using Nixery.Testing;
using System.Diagnostics;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Graph;
using Nixery.Abstractions.Requests;
using Nixery.Core.Nix;
using Nixery.Core.Sources;

using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Nix;

public sealed class NixClientTests(NixFixture fixture) : IClassFixture<NixFixture>
{
    private readonly Abstractions.Sources.PackageSetReference _demo = new PathPackageSource(RepositoryRoot.DemoPackages).Resolve("latest");

    private async Task<RealisedClosure> BuildClosureAsync(string name, INixClient? client = null)
    {
        var outcome = await (client ?? fixture.CreateClient()).BuildAsync(ImageRequest.Parse(name, "latest"), _demo);
        return Assert.IsType<RealisedClosure>(outcome);
    }

    private static StorePath Single(RuntimeGraph graph, string name) => Assert.Single(graph.Paths, p => p.Name == name);

    [Fact]
    public async Task Hello_and_lower_case_bashinteractive_realise_to_a_closure_with_sizes_and_a_shared_busybox()
    {
        await using var closure = await BuildClosureAsync("hello/bashinteractive");
        var graph = closure.Graph;

        // Package order: bashinteractive, cacert, hello, iana-etc (the last two always included).
        Assert.Equal(
            ["bash-interactive-5.2-p15", "nss-cacert-3.92", "hello-2.12.1", "iana-etc-20230316"],
            graph.TopLevel.Select(StorePath.NameOf));
        var busybox = Single(graph, "busybox-1.35.0");
        Assert.True(busybox.NarSize > 1_000_000, $"busybox NAR size {busybox.NarSize}");
        Assert.Contains(busybox.Path, Single(graph, "hello-2.12.1").References);
        Assert.Contains(busybox.Path, Single(graph, "bash-interactive-5.2-p15").References);
        Assert.Contains(Single(graph, "libdemo-1.0.0").Path, Single(graph, "hello-2.12.1").References);
        Assert.All(graph.Paths, p => Assert.True(p.NarSize > 0));
        Assert.Equal(graph.Paths.Count, graph.Paths.Select(p => p.Path).Distinct().Count());
        Assert.Equal(6, graph.Paths.Count);

        // The closure really runs: bash from the image evaluates arithmetic through busybox.
        var bash = Path.Combine(graph.TopLevel[0], "bin", "bash");
        Assert.Equal("3", Tools.Run(bash, ["-c", "echo $((1+2))"]));
        Assert.Equal("Hello, world!", Tools.Run(Path.Combine(graph.TopLevel[2], "bin", "hello"), []));
    }

    [Fact]
    public async Task Upper_case_nested_and_digit_leading_names_resolve_from_lower_case_requests()
    {
        await using var closure = await BuildClosureAsync("1password/demopackages.tool/python3packages.requests/sdl2");

        Assert.Equal(
            ["1password-8.10.0", "demo-tool-0.1.0", "python3.11-requests-2.31.0", "SDL2-2.28.5", "nss-cacert-3.92", "iana-etc-20230316"],
            closure.Graph.TopLevel.Select(StorePath.NameOf).OrderBy(n => n == "nss-cacert-3.92" || n == "iana-etc-20230316"));
    }

    [Fact]
    public async Task Missing_packages_are_reported_by_name_without_building_anything()
    {
        // A copy with a greeting no build has seen, so its hello is in no store until something builds it.
        var packages = Path.Combine(fixture.StateDirectory, $"packages-{Guid.NewGuid():N}");
        Tools.CopyDirectory(RepositoryRoot.DemoPackages, packages);
        File.WriteAllText(Path.Combine(packages, "hello-message.txt"), $"Hello {Guid.NewGuid():N}\n");
        var set = new PathPackageSource(packages).Resolve("latest");
        var hello = Tools.Run("nix-instantiate", ["--eval", "--json", "--expr", $"(import {packages} {{}}).hello.outPath"]).Trim('"');
        Assert.StartsWith("/nix/store/", hello);

        var outcome = await fixture.CreateClient().BuildAsync(ImageRequest.Parse("hello/nosuchpackage/alsomissing", "latest"), set);

        var missing = Assert.IsType<PackagesMissing>(outcome);
        Assert.Equal(["alsomissing", "nosuchpackage"], missing.Result.Packages);
        Assert.False(Path.Exists(hello), $"hello was built: {hello}");

        // Asked for alone, the same hello is built at that path (so the check above can fail).
        await using var closure = Assert.IsType<RealisedClosure>(await fixture.CreateClient().BuildAsync(ImageRequest.Parse("hello", "latest"), set));
        Assert.Contains(hello, closure.Graph.TopLevel);
        Assert.True(Path.Exists(hello));
    }

    [Fact]
    public async Task A_set_that_is_not_a_derivation_and_a_path_into_a_derivation_count_as_not_found()
    {
        var outcome = await fixture.CreateClient().BuildAsync(ImageRequest.Parse("demopackages/hello.name", "latest"), _demo);

        Assert.Equal(["demopackages", "hello.name"], Assert.IsType<PackagesMissing>(outcome).Result.Packages);
    }

    [Fact]
    public async Task A_package_that_throws_is_an_evaluation_error_with_the_thrown_message_not_a_missing_package()
    {
        var failure = await Assert.ThrowsAsync<NixFailureException>(
            () => fixture.CreateClient().BuildAsync(ImageRequest.Parse("broken/nosuchpackage", "latest"), _demo));

        Assert.Equal(NixFailureKind.Evaluation, failure.Kind);
        Assert.Contains("demo: this package is marked broken", failure.NixMessage);
        Assert.StartsWith("error:", failure.NixMessage);
    }

    [Fact]
    public async Task A_failing_builder_is_a_build_error_that_carries_the_builder_output()
    {
        var failure = await Assert.ThrowsAsync<NixFailureException>(
            () => fixture.CreateClient().BuildAsync(ImageRequest.Parse("failing-build", "latest"), _demo));

        Assert.Equal(NixFailureKind.Build, failure.Kind);
        Assert.Contains("demo: failing-build always fails to build", failure.NixMessage);
        Assert.Contains("failed with exit code 1", failure.NixMessage);
    }

    [Fact]
    public async Task A_build_longer_than_the_timeout_is_killed_and_reported_as_a_timeout()
    {
        var client = fixture.CreateClient(options => options.Timeout = TimeSpan.FromSeconds(2));
        var stopwatch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<NixFailureException>(
            () => client.BuildAsync(ImageRequest.Parse("slow-build", "latest"), _demo));

        Assert.Equal(NixFailureKind.Timeout, failure.Kind);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
        Assert.Contains("nix-store --realise", failure.Message);
    }

    [Fact]
    public async Task Cancellation_kills_nix_and_surfaces_as_cancellation()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => fixture.CreateClient().BuildAsync(ImageRequest.Parse("slow-build", "latest"), _demo, cancellation.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Missing_nix_binaries_are_an_invocation_error_saying_so()
    {
        var client = fixture.CreateClient(options => options.NixBinDirectory = "/nonexistent/nix/bin");

        var failure = await Assert.ThrowsAsync<NixFailureException>(
            () => client.BuildAsync(ImageRequest.Parse("hello", "latest"), _demo));

        Assert.Equal(NixFailureKind.Invocation, failure.Kind);
        Assert.Contains("could not start", failure.Message);
    }

    [Fact]
    public async Task Gc_roots_protect_the_closure_while_the_lease_is_held_and_are_deleted_with_it()
    {
        var closure = await BuildClosureAsync("hello");
        var rootDirectory = closure.Roots.Directory;
        try
        {
            Assert.StartsWith(Path.Combine(fixture.StateDirectory, "gcroots"), rootDirectory);
            var rootTargets = Directory.EnumerateFileSystemEntries(rootDirectory)
                .Select(r => new FileInfo(r).LinkTarget ?? "").ToHashSet();
            Assert.Equal(closure.Graph.TopLevel.ToHashSet(), rootTargets);

            var dead = Tools.Run("nix-store", ["--gc", "--print-dead"]).Split('\n').ToHashSet();
            Assert.DoesNotContain(closure.Graph.Paths, p => dead.Contains(p.Path));
        }
        finally
        {
            await closure.DisposeAsync();
        }

        Assert.True(closure.Roots.IsReleased);
        Assert.False(Directory.Exists(rootDirectory));
    }

    [Fact]
    public async Task Through_nix_daemon_a_build_starts_one_nix_process_and_gets_the_closure_the_processes_get()
    {
        var scratch = Directory.CreateTempSubdirectory("nixery-nix-calls-").FullName;
        try
        {
            var daemonCalls = new NixCallLog(Path.Combine(scratch, "daemon"));
            var processCalls = new NixCallLog(Path.Combine(scratch, "processes"));
            await using var viaDaemon = await BuildClosureAsync("shell/hello", fixture.CreateClient(options => options.NixBinDirectory = daemonCalls.BinDirectory));
            await using var viaProcesses = await BuildClosureAsync("shell/hello", fixture.CreateClient(options =>
            {
                options.NixBinDirectory = processCalls.BinDirectory;
                options.UseDaemon = false;
            }));

            // The evaluation is the only process a build waits for; the daemon it used was started for it (a spare for
            // the next build may be starting as well).
            Assert.Equal(["nix-instantiate"], daemonCalls.Calls().Select(c => c.Command).Where(c => c != "nix-daemon"));
            Assert.Contains(daemonCalls.Calls(), c => c.Command == "nix-daemon");
            Assert.Equal(["nix-instantiate", "nix-store", "nix"], processCalls.Calls().Select(c => c.Command));

            Assert.Equal(viaProcesses.Graph.TopLevel, viaDaemon.Graph.TopLevel);
            static string Describe(StorePath p) => $"{p.Path} {p.NarSize} {string.Join(',', p.References.Order(StringComparer.Ordinal))}";
            Assert.Equal(viaProcesses.Graph.Paths.Select(Describe).Order(StringComparer.Ordinal), viaDaemon.Graph.Paths.Select(Describe).Order(StringComparer.Ordinal));
            Assert.True(viaDaemon.Graph.Paths.Count > 5);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_nix_daemon_to_start_the_build_runs_nix_store_and_path_info()
    {
        var scratch = Directory.CreateTempSubdirectory("nixery-no-daemon-").FullName;
        try
        {
            var calls = new NixCallLog(scratch, ["nix-instantiate", "nix-store", "nix"]);
            await using var closure = await BuildClosureAsync("hello", fixture.CreateClient(options => options.NixBinDirectory = calls.BinDirectory));
            Assert.Contains(closure.Graph.Paths, p => p.Name.StartsWith("hello-", StringComparison.Ordinal));
            Assert.Equal(["nix-instantiate", "nix-store", "nix"], calls.Calls().Select(c => c.Command));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_extra_platforms_an_aarch64_linux_derivation_builds_here_and_runs_the_arm64_busybox_under_qemu(bool useDaemon)
    {
        // A derivation no store has seen: built now, by this call, or not at all.
        var packages = Path.Combine(fixture.StateDirectory, $"arm64-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(packages);
        File.WriteAllText(Path.Combine(packages, "default.nix"), $$"""
            { system ? builtins.currentSystem, ... }: {
              probe = derivation {
                name = "arm64-probe-{{Guid.NewGuid():N}}";
                inherit system;
                builder = "/bin/sh";
                args = [ "-c" "{{Platforms.MultiPlatformServerFixture.Arm64Busybox}} uname -m > $out" ];
              };
            }
            """);
        var set = new PathPackageSource(packages).Resolve("latest");
        var request = ImageRequest.Parse("arm64/probe", "latest", new ImageRequestOptions { AlwaysIncludedPackages = [] });

        var refused = await Assert.ThrowsAsync<NixFailureException>(
            () => fixture.CreateClient(options => options.UseDaemon = useDaemon).BuildAsync(request, set));
        Assert.Contains("aarch64-linux", refused.NixMessage);

        var calls = new NixCallLog(Path.Combine(packages, "calls"));
        await using var closure = Assert.IsType<RealisedClosure>(await fixture.CreateClient(options =>
        {
            options.UseDaemon = useDaemon;
            options.ExtraPlatforms = ["aarch64-linux"];
            options.NixBinDirectory = calls.BinDirectory;
        }).BuildAsync(request, set));

        Assert.Equal("aarch64", File.ReadAllText(Assert.Single(closure.Graph.TopLevel)).Trim());
        Assert.All(calls.Calls(), call => Assert.Contains("--option extra-platforms aarch64-linux", call.Arguments));
        Assert.Contains(calls.Calls(), call => call.Command == (useDaemon ? "nix-daemon" : "nix-store"));
    }

    [Fact]
    public async Task The_expression_is_written_to_the_state_directory()
    {
        await using var closure = await BuildClosureAsync("hello");

        Assert.True(File.Exists(Path.Combine(fixture.StateDirectory, "nix", "resolve.nix")));
    }
}
