using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Core.Nix;
using Nixery.IntegrationTests.Nix;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Extending;

/// <summary>
/// A registry composed as docs/extending.md shows: <c>AddNixery</c> on a configuration section, one extension chosen
/// on the builder, <c>MapNixery</c>; on Kestrel at 127.0.0.1 with a dynamic port, Nix state in a temp directory.
/// </summary>
internal sealed class RecipeRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecipeRegistry(WebApplication app, string directory)
    {
        _app = app;
        Directory = directory;
        var address = LoopbackServer.AddressOf(app);
        Host = $"{address.Host}:{address.Port}";
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Directory { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as container clients name the registry.</summary>
    public string Host { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RecipeRegistry> StartAsync(Action<INixeryBuilder> extend, IDictionary<string, string?>? settings = null)
    {
        Tools.RequireNix();
        var directory = System.IO.Directory.CreateTempSubdirectory("nixery-recipes-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // File-system storage in the temp directory, unless the recipe brings a backend of its own.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Nixery:FileSystemStorage:Path"] = Path.Combine(directory, "storage") });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        extend(builder.Services.AddNixery(builder.Configuration.GetSection("Nixery")));
        builder.Services.Configure<NixOptions>(options => TestNix.Configure(options, Path.Combine(directory, "nix")));
        var app = builder.Build();
        app.MapNixery();
        await app.StartAsync();
        return new RecipeRegistry(app, directory);
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
