using System.Diagnostics;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Core.Nix;
using Nixery.Core.Sources;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Nix;

/// <summary>Nix's own distribution passed through (a shared binary cache), and the bound on a whole build.</summary>
public sealed class NixDistributionTests(NixFixture fixture) : IClassFixture<NixFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-distribution-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_package_that_can_no_longer_build_here_comes_from_the_binary_cache_named_in_Substituters()
    {
        // A package whose builder works only while a flag file exists: built once, copied into a binary cache (a
        // file:// cache, as a shared cache on a bucket or an HTTP server would be), deleted from the store, then the
        // flag removed. The image builds again only if Nix substitutes it from the cache.
        // Nix's builders run as the nixbld users: they must see the flag (temp directories are created private).
        File.SetUnixFileMode(_directory, (UnixFileMode)0b111_101_101);
        var flag = Path.Combine(_directory, "may-build");
        await File.WriteAllTextAsync(flag, "");
        var packages = Path.Combine(_directory, "packages");
        Directory.CreateDirectory(packages);
        await File.WriteAllTextAsync(Path.Combine(packages, "default.nix"), $$"""
            { system ? builtins.currentSystem, ... }: rec {
              # Every image also gets these two (the engine's always-included packages).
              cacert = derivation { name = "cacert-test"; inherit system; builder = "/bin/sh"; args = [ "-c" "mkdir -p $out" ]; PATH = "/usr/bin:/bin"; };
              iana-etc = derivation { name = "iana-etc-test"; inherit system; builder = "/bin/sh"; args = [ "-c" "mkdir -p $out" ]; PATH = "/usr/bin:/bin"; };
              cached = derivation {
                name = "cached-{{Guid.NewGuid():N}}";
                inherit system;
                builder = "/bin/sh";
                args = [ "-c" "test -e {{flag}} || { echo 'built here, not substituted' >&2; exit 1; }; mkdir -p $out/share; echo from-cache > $out/share/what" ];
                PATH = "/usr/bin:/bin";
              };
            }
            """);
        var source = new PathPackageSource(packages).Resolve("latest");
        var request = ImageRequest.Parse("cached", "latest");

        string output;
        await using (var built = Realised(await fixture.CreateClient().BuildAsync(request, source)))
            output = built.Graph.TopLevel.Single(path => path.Contains("-cached-", StringComparison.Ordinal));
        var cache = "file://" + Path.Combine(_directory, "cache");
        await Run("nix", "copy", "--extra-experimental-features", "nix-command", "--to", cache, output);
        await Run("nix-store", "--delete", output);
        File.Delete(flag);
        Assert.False(Directory.Exists(output));

        var offline = await Assert.ThrowsAsync<NixFailureException>(() => fixture.CreateClient().BuildAsync(request, source));
        Assert.Equal(NixFailureKind.Build, offline.Kind);

        var client = fixture.CreateClient(options =>
        {
            options.Substituters = [cache];
            // The test cache is unsigned; a real one is signed and its key goes in TrustedPublicKeys.
            options.ExtraArguments = ["--option", "require-sigs", "false"];
        });
        await using var substituted = Realised(await client.BuildAsync(request, source));
        Assert.Contains(output, substituted.Graph.TopLevel);
        Assert.Equal("from-cache", (await File.ReadAllTextAsync(Path.Combine(output, "share", "what"))).Trim());
    }

    [Fact]
    public async Task The_whole_build_is_bounded_by_BuildTimeout_although_each_call_may_take_longer()
    {
        var client = fixture.CreateClient(options =>
        {
            options.Timeout = TimeSpan.FromMinutes(2);
            options.BuildTimeout = TimeSpan.FromSeconds(2);
        });
        var stopwatch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<NixFailureException>(() =>
            client.BuildAsync(ImageRequest.Parse("slow-build", "latest"), new PathPackageSource(RepositoryRoot.DemoPackages).Resolve("latest")));

        Assert.Equal(NixFailureKind.Timeout, failure.Kind);
        Assert.Contains("Nixery:Nix:BuildTimeout (2 s)", failure.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    private static RealisedClosure Realised(NixBuildOutcome outcome) => outcome switch
    {
        RealisedClosure closure => closure,
        PackagesMissing missing => throw new Xunit.Sdk.XunitException(missing.Result.Message),
        _ => throw new Xunit.Sdk.XunitException($"unexpected outcome {outcome}"),
    };

    private static async Task Run(string tool, params string[] arguments)
    {
        var (exitCode, output, error) = await ExternalTool.RunAsync(tool, arguments);
        Assert.True(exitCode == 0, $"{tool} {string.Join(' ', arguments)}: {error}{output}");
    }
}
