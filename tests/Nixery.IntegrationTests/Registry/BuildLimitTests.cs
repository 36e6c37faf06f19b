using System.Net;
using System.Text.Json;
using Nixery.IntegrationTests.Nix;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The bound on concurrent builds, with a package set that wraps the demo set and adds <c>sleepy</c>, a package
/// whose build takes three seconds (new on every run, so never already in the Nix store).
/// </summary>
public sealed class BuildLimitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-server-limits-").FullName;

    public BuildLimitTests()
    {
        Tools.CopyDirectory(RepositoryRoot.DemoPackages, Path.Combine(_directory, "demo"));
        File.WriteAllText(Path.Combine(_directory, "default.nix"), $$"""
            { system ? builtins.currentSystem, ... }@args:
            import ./demo args // {
              sleepy = derivation {
                name = "sleepy-1.0";
                inherit system;
                builder = "/bin/sh";
                args = [ "-c" "sleep 3; mkdir -p $out; echo {{Guid.NewGuid():N}} > $out/nonce" ];
                PATH = "/usr/bin:/bin";
              };
            }
            """);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Beyond_one_running_build_and_no_queue_distinct_cold_images_are_refused_with_429_and_retry_after()
    {
        await using var server = await StandaloneServer.StartAsync(
            new Dictionary<string, string> { ["NIXERY_PKGS_PATH"] = _directory },
            "--Nixery:MaxConcurrentBuilds=1", "--Nixery:MaxQueuedBuilds=0", "--Nixery:BuildRetryAfter=00:00:07");

        string[] images = ["sleepy", "sleepy/hello", "sleepy/git", "sleepy/htop"];
        var responses = await Task.WhenAll(images.Select(image => server.Client.GetAsync($"/v2/{image}/manifests/latest")));
        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.Equal(images.Length - 1, refused.Count);
            foreach (var response in refused)
            {
                Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var error = Assert.Single(body.RootElement.GetProperty("errors").EnumerateArray());
                Assert.Equal("TOOMANYREQUESTS", error.GetProperty("code").GetString());
                Assert.Contains("too many images are being built", error.GetProperty("message").GetString());
            }

            // The refusal is not remembered: once the build is done, a retry builds.
            var retried = images[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests)];
            using var retry = await server.Client.GetAsync($"/v2/{retried}/manifests/latest");
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }

    [Fact]
    public async Task With_one_running_build_and_a_queue_concurrent_distinct_images_wait_their_turn_and_all_succeed()
    {
        await using var server = await StandaloneServer.StartAsync(
            new Dictionary<string, string> { ["NIXERY_PKGS_PATH"] = _directory },
            "--Nixery:MaxConcurrentBuilds=1", "--Nixery:MaxQueuedBuilds=3");

        string[] images = ["sleepy", "sleepy/hello", "sleepy/git", "sleepy/htop"];
        var responses = await Task.WhenAll(images.Select(image => server.Client.GetAsync($"/v2/{image}/manifests/latest")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses) response.Dispose();
    }
}
