using Nixery.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.EmbeddedApp;
using Nixery.IntegrationTests.Nix;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Embedding;

/// <summary>
/// The embedding sample, started for real: Kestrel on a dynamic loopback port, the real engine on the demo package
/// set with storage in a temporary directory, and one user, <see cref="User"/>.
/// </summary>
public sealed class EmbeddedAppServer : IAsyncLifetime
{
    public const string User = "alice";
    public const string Password = "correct horse battery staple";

    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-embedded-").FullName;
    private WebApplication? _app;

    /// <summary>e.g. <c>127.0.0.1:41234</c>, as container clients name the registry.</summary>
    public string Host { get; private set; } = "";

    public HttpClient Client { get; private set; } = null!;

    public string Scratch => _directory;

    /// <summary>Builds that reached Nix, counted around the app's real Nix client.</summary>
    internal CountingNixClient Nix { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Tools.RequireNix();
        _app = EmbeddedApp.EmbeddedApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"Users:{User}"] = Password,
                ["Registry:PackagesPath"] = RepositoryRoot.DemoPackages,
                ["Registry:StoragePath"] = Path.Combine(_directory, "storage"),
                ["Nixery:Nix:StateDirectory"] = Path.Combine(_directory, "nix"),
                // No network here: asking a binary cache costs seconds of retries per build.
                ["Nixery:Nix:ExtraArguments:0"] = "--option",
                ["Nixery:Nix:ExtraArguments:1"] = "substitute",
                ["Nixery:Nix:ExtraArguments:2"] = "false",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            CountingNixClient.Register(builder.Services); // before the app's AddNixery, which then keeps it
        });
        await _app.StartAsync();
        Nix = _app.Services.GetRequiredService<CountingNixClient>();
        var address = LoopbackServer.AddressOf(_app);
        Host = $"127.0.0.1:{address.Port}";
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: it is under the temp directory.
        }
    }
}
