namespace Nixery.IntegrationTests.Registry;

/// <summary>One standalone server with its defaults: the demo package set (found upwards), filesystem storage.</summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    public StandaloneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
