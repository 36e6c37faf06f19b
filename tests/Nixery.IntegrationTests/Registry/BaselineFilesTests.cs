using Nixery.Testing;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The baseline every image gets and the <c>nonroot</c> meta-package, seen from inside containers that real podman runs
/// from the standalone server on the demo package set.
/// </summary>
public sealed class BaselineFilesTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>, IAsyncLifetime
{
    private readonly StandaloneServer _server = fixture.Server;
    private readonly HashSet<string> _pulled = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_pulled.Count > 0) await ExternalTool.RunAsync("podman", ["rmi", "--force", .. _pulled]);
    }

    /// <summary>Pulls the image (removed when the test ends) and runs <paramref name="command"/> in it; its output.</summary>
    private async Task<string> RunAsync(string name, params string[] command)
    {
        var image = $"{_server.Host}/{name}:latest";
        _pulled.Add(image);
        await ExternalTool.RunCheckedAsync("podman", "pull", "--quiet", "--tls-verify=false", image);
        return await ExternalTool.RunCheckedAsync("podman", ["run", "--rm", image, .. command]);
    }

    [Fact]
    public async Task Podman_runs_a_nonroot_image_as_uid_and_gid_65532_named_nonroot_who_can_write_to_tmp_and_its_home()
    {
        var output = await RunAsync("nonroot/shell/hello", "sh", "-c",
            "id -u; id -g; whoami; pwd; touch /tmp/written && touch /home/nonroot/written && echo wrote; stat -c '%u:%g %a' /home/nonroot");

        Assert.Equal(["65532", "65532", "nonroot", "/home/nonroot", "wrote", "65532:65532 755"], Lines(output));
    }

    [Fact]
    public async Task A_plain_image_runs_as_root_with_passwd_group_nsswitch_conf_a_1777_tmp_and_a_usr_bin_env_that_runs()
    {
        var output = Lines(await RunAsync("shell/hello", "sh", "-c",
            "id -u; stat -c '%a %u:%g' /tmp; /usr/bin/env true && echo env runs; test -f /etc/nsswitch.conf && echo nsswitch; cat /etc/passwd /etc/group"));

        Assert.Equal(["0", "1777 0:0", "env runs", "nsswitch"], output[..4]);
        Assert.Contains(output, l => l.StartsWith("root:x:0:0:", StringComparison.Ordinal));
        Assert.Contains(output, l => l.StartsWith("nobody:x:65534:65534:", StringComparison.Ordinal));
        Assert.Contains("root:x:0:", output);
        Assert.Contains("nobody:x:65534:", output);
        Assert.DoesNotContain(output, l => l.Contains("nonroot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_without_coreutils_still_has_a_usr_bin_env_from_its_closure()
    {
        // No package of hello's image has bin/env, but its closure has busybox: /usr/bin/env is busybox's env applet.
        Assert.Equal("Hello, world!", (await RunAsync("hello", "/usr/bin/env", "hello")).Trim());
    }

    [Fact]
    public async Task Packages_etc_files_are_kept_beside_the_baseline()
    {
        var output = Lines(await RunAsync("shell/hello", "sh", "-c",
            "cat /etc/services; test -s /etc/ssl/certs/ca-bundle.crt && echo certificates; test -f /etc/passwd && echo passwd"));

        Assert.Contains(output, l => l.StartsWith("ssh", StringComparison.Ordinal));
        Assert.Equal(["certificates", "passwd"], output[^2..]);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
