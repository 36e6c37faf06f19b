using Nixery.Testing;
using System.Net;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

/// <summary>
/// The memo of recent builds against a local package set, which the engine never caches because it may change:
/// servers of their own on a copy of the demo set whose <c>hello</c> message the tests change.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RecentBuildTests : IAsyncLifetime
{
    private readonly string _packages = Path.Combine(Path.GetTempPath(), $"nixery-registry-packages-{Guid.NewGuid():N}");

    public Task InitializeAsync()
    {
        CopyDirectory(RepositoryRoot.DemoPackages, _packages);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_packages, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_changed_local_package_set_is_served_once_the_recent_build_has_expired()
    {
        var time = new ShiftedTimeProvider();
        await using var server = await StartAsync(TimeSpan.FromMinutes(1), time);
        var before = await DigestAsync(server);

        await File.WriteAllTextAsync(Path.Combine(_packages, "hello-message.txt"), $"changed {Guid.NewGuid():N}\n");
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(before, await DigestAsync(server)); // within the lifetime: the recent build
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.NotEqual(before, await DigestAsync(server));
    }

    [Fact]
    public async Task Without_the_memo_every_request_for_a_local_package_set_builds_again()
    {
        await using var server = await StartAsync(TimeSpan.Zero);
        var before = server.Builds.Built;
        using var head = await server.Client.SendAsync(Request(HttpMethod.Head, "/v2/hello/manifests/latest", Oci));
        using var get = await server.Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", Oci));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(Header(head, "Docker-Content-Digest"), Header(get, "Docker-Content-Digest"));
        Assert.Equal(before + 2, server.Builds.Built);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_image_share_one_build()
    {
        await using var server = await StartAsync(TimeSpan.FromMinutes(1));
        var before = server.Builds.Built;
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => server.Client.SendAsync(
            Request(i % 2 == 0 ? HttpMethod.Head : HttpMethod.Get, "/v2/shell/hello/manifests/latest", Oci))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(responses.Select(r => Header(r, "Docker-Content-Digest")).Distinct());
        Assert.Equal(before + 1, server.Builds.Built);
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task Past_MaxRecentBuilds_the_oldest_finished_build_is_forgotten_by_memory_and_answered_from_the_store_the_others_stay()
    {
        await using var server = await StartAsync(TimeSpan.FromMinutes(10), maxRecentBuilds: 2);
        await DigestAsync(server, "hello");
        await DigestAsync(server, "shell/hello");
        var calls = server.Nix.Calls;
        await DigestAsync(server, "hello");
        Assert.Equal(calls, server.Nix.Calls); // two fit: both remembered
        Assert.Equal(0, FromStore(server, "hello"));

        await DigestAsync(server, "hello/libdemo"); // a third: the oldest (hello) is swept
        Assert.Equal(calls + 1, server.Nix.Calls);
        await DigestAsync(server, "shell/hello");
        Assert.Equal(0, FromStore(server, "shell/hello")); // still in memory
        await DigestAsync(server, "hello");
        // Forgotten by memory, but its record in the store is recent (as another replica's build would be): no Nix.
        Assert.Equal(1, FromStore(server, "hello"));
        Assert.Equal(calls + 1, server.Nix.Calls);
    }

    private static int FromStore(OwnServer server, string image) =>
        server.Logs.Records.Count(r => r.Message.StartsWith($"Image {image}:latest served from cache", StringComparison.Ordinal));

    [Fact]
    public async Task A_build_every_client_abandoned_still_finishes_and_is_remembered()
    {
        // A greeting no build has seen, so Nix really builds hello while the clients go away.
        await File.WriteAllTextAsync(Path.Combine(_packages, "hello-message.txt"), $"abandoned {Guid.NewGuid():N}\n");
        await using var server = await StartAsync(TimeSpan.FromMinutes(10));
        var (built, calls) = (server.Builds.Built, server.Nix.Calls);

        using (var abandon = new CancellationTokenSource())
        {
            var pulls = Enumerable.Range(0, 2).Select(_ => server.Client.SendAsync(
                Request(HttpMethod.Get, "/v2/hello/manifests/latest", Oci), abandon.Token)).ToList();
            await WaitUntilAsync(() => server.Nix.Calls > calls, "the build to reach Nix");
            abandon.Cancel();
            foreach (var pull in pulls) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pull);
            Assert.Equal(built, server.Builds.Built); // both clients left before the image was there
        }

        await WaitUntilAsync(() => server.Builds.Built == built + 1, "the abandoned build to finish");
        using var retry = await server.Client.SendAsync(Request(HttpMethod.Get, "/v2/hello/manifests/latest", Oci));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((built + 1, calls + 1), (server.Builds.Built, server.Nix.Calls)); // the retry got the abandoned build
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }

    private async Task<string> DigestAsync(OwnServer server, string image = "hello")
    {
        using var response = await server.Client.SendAsync(Request(HttpMethod.Head, $"/v2/{image}/manifests/latest", Oci));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Header(response, "Docker-Content-Digest");
    }

    private async Task<OwnServer> StartAsync(TimeSpan lifetime, TimeProvider? time = null, int? maxRecentBuilds = null)
    {
        var server = new RegistryServer { PackageSetPath = _packages, RecentBuildLifetime = lifetime, Time = time, MaxRecentBuilds = maxRecentBuilds };
        await server.InitializeAsync();
        return new OwnServer(server);
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(source))
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
    }

    private sealed class OwnServer(RegistryServer server) : IAsyncDisposable
    {
        public HttpClient Client => server.Client;

        public BuildCounter Builds => server.Builds;

        public CountingNixClient Nix => server.Nix;

        public CapturingLoggerProvider Logs => server.Logs;

        public async ValueTask DisposeAsync() => await server.DisposeAsync();
    }
}
