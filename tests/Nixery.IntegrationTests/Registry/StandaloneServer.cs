using Nixery.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Core.Nix;
using Nixery.IntegrationTests.Nix;
using Nixery.Server;

namespace Nixery.IntegrationTests.Registry;

/// <summary>
/// The standalone server of samples/Nixery.Server, composed as its program composes it (appsettings.json, then the
/// given environment variables), on Kestrel at 127.0.0.1 with a dynamic port, storage and Nix state in a temp directory.
/// </summary>
public sealed class StandaloneServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandaloneServer(WebApplication app, string directory, Uri address)
    {
        _app = app;
        Directory = directory;
        Address = address;
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>Holds <c>storage/</c> and <c>nix/</c>; deleted on dispose.</summary>
    public string Directory { get; }

    public Uri Address { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as container clients name the registry.</summary>
    public string Host => $"{Address.Host}:{Address.Port}";

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the server. <paramref name="environment"/> plays the process environment (STORAGE_PATH defaults to the
    /// temp directory); <paramref name="arguments"/> are extra command-line settings such as <c>--Nixery:MaxQueuedBuilds=0</c>.
    /// </summary>
    public static async Task<StandaloneServer> StartAsync(IDictionary<string, string>? environment = null, params string[] arguments)
    {
        Tools.RequireNix();
        var directory = System.IO.Directory.CreateTempSubdirectory("nixery-server-tests-").FullName;
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        variables.TryAdd("STORAGE_PATH", Path.Combine(directory, "storage"));

        var builder = NixeryServer.CreateBuilder(["--urls", "http://127.0.0.1:0", .. arguments], name => variables.GetValueOrDefault(name));
        builder.Logging.ClearProviders();
        builder.Services.Configure<NixOptions>(options =>
        {
            TestNix.Configure(options, Path.Combine(directory, "nix"));
        });
        var app = NixeryServer.MapEndpoints(builder.Build());
        await app.StartAsync();
        return new StandaloneServer(app, directory, LoopbackServer.AddressOf(app));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: it is under the temp directory.
        }
    }
}
