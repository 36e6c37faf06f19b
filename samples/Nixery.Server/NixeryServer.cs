using System.Globalization;
using Microsoft.Extensions.Options;
using Nixery.Core;

namespace Nixery.Server;

/// <summary>The standalone registry: the registry API under <c>/v2</c>, the index page at <c>/</c>, probes and metrics.</summary>
public static class NixeryServer
{
    /// <summary>The port when neither <c>PORT</c> nor <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>) says otherwise.</summary>
    public const int DefaultPort = 8080;

    /// <summary>
    /// The configured host builder: configuration from <c>appsettings.json</c>, the command line and
    /// <paramref name="variable"/> (the original's environment variables, which win); the engine and the registry.
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is wrong; the message names it.</exception>
    public static WebApplicationBuilder CreateBuilder(string[] args, Func<string, string?> variable)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(EnvironmentSettings.ToConfiguration(variable));

        var portText = builder.Configuration["Nixery:Port"];
        var port = DefaultPort;
        if (!string.IsNullOrEmpty(portText) && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
            throw new OptionsValidationException(Options.DefaultName, typeof(NixeryOptions),
                [$"Nixery:Port must be a TCP port number (0 to 65535), not '{portText}'"]);
        // Explicit URLs (--urls, ASPNETCORE_URLS) win; otherwise every interface, as the original listens.
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls($"http://*:{port}");

        builder.Services.AddNixeryServer(builder.Configuration);
        builder.Services.AddServerObservability(builder.Configuration);
        return builder;
    }

    /// <summary>Maps the registry, the index page, the health probes and <c>/metrics</c>.</summary>
    public static WebApplication MapEndpoints(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapNixery();
        app.MapNixeryIndexPage();
        app.MapServerProbes();
        return app;
    }

    /// <summary><see cref="CreateBuilder"/>, built and mapped.</summary>
    public static WebApplication Create(string[] args, Func<string, string?> variable) =>
        MapEndpoints(CreateBuilder(args, variable).Build());
}
