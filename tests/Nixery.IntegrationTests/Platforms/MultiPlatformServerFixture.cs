using Nixery.IntegrationTests.Registry;

namespace Nixery.IntegrationTests.Platforms;

/// <summary>
/// The standalone server on the demo package set with two platforms, <c>linux/amd64</c> first, and Nix building
/// aarch64-linux here through qemu (<c>Nixery:Nix:ExtraPlatforms</c>).
/// </summary>
public sealed class MultiPlatformServerFixture : IAsyncLifetime
{
    public StandaloneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StandaloneServer.StartAsync(null,
        "--Nixery:Platforms:0=linux/amd64", "--Nixery:Platforms:1=linux/arm64", "--Nixery:Nix:ExtraPlatforms:0=aarch64-linux");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
