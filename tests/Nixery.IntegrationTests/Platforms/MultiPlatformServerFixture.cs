using Nixery.IntegrationTests.Registry;

namespace Nixery.IntegrationTests.Platforms;

/// <summary>
/// The standalone server on the demo package set with two platforms, <c>linux/amd64</c> first, and Nix building
/// aarch64-linux here through qemu (<c>Nixery:Nix:ExtraPlatforms</c>), both set by the environment variables
/// <c>NIXERY_PLATFORMS</c> and <c>NIX_EXTRA_PLATFORMS</c>.
/// </summary>
public sealed class MultiPlatformServerFixture : IAsyncLifetime
{
    public StandaloneServer Server { get; private set; } = null!;

    /// <summary>The demo set's arm64 busybox, which scripts/install-dependencies unpacks from Debian's busybox-static:arm64.</summary>
    public const string Arm64Busybox = "/usr/local/lib/nixery-demo/aarch64-linux/busybox";

    public async Task InitializeAsync()
    {
        // Without these the failures would say "exec format error" or "required system" far from the cause.
        Assert.True(File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64") && File.Exists(Arm64Busybox),
            $"arm64 programs cannot run here (no qemu-aarch64 in binfmt_misc, or no {Arm64Busybox}): run scripts/install-dependencies as root");
        // Set as an operator of the standalone server would (the settings' own keys are covered by the start-up checks).
        Server = await StandaloneServer.StartAsync(new Dictionary<string, string>
        {
            ["NIXERY_PLATFORMS"] = "linux/amd64, linux/arm64",
            ["NIX_EXTRA_PLATFORMS"] = "aarch64-linux",
        });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
