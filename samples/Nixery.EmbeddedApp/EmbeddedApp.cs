using Nixery.Core.Nix;
using Nixery.EmbeddedApp.Authentication;
using Nixery.EmbeddedApp.Tools;

namespace Nixery.EmbeddedApp;

/// <summary>
/// The team-tools app, composed: its own pages and API (anonymous), and a Nixery registry under <c>/v2</c> that only
/// its users may pull from, with HTTP basic authentication (<c>podman login</c>).
/// </summary>
public static class EmbeddedApp
{
    /// <summary>Builds the app from command-line arguments and configuration, ready to run.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:0</c> or <c>--Users:bob=secret</c>.</param>
    /// <param name="configure">Runs before the app reads its configuration; tests add settings and logging here.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json lives next to the program, wherever it is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        var configuration = builder.Configuration;

        // The app's own sign-in for registry clients: basic authentication against configured users.
        builder.Services.AddAuthentication(BasicAuthenticationDefaults.Scheme)
            .AddScheme<BasicAuthenticationOptions, BasicAuthenticationHandler>(BasicAuthenticationDefaults.Scheme, null);
        builder.Services.AddOptions<BasicAuthenticationOptions>(BasicAuthenticationDefaults.Scheme)
            .Bind(configuration.GetSection("BasicAuthentication"))
            .Configure(options => configuration.GetSection("Users").Bind(options.Users));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(BasicAuthenticationDefaults.PullPolicy, policy => policy
                .AddAuthenticationSchemes(BasicAuthenticationDefaults.Scheme)
                .RequireAuthenticatedUser());

        // The registry: the engine with a package source and storage, configured from the "Nixery" section.
        var settings = configuration.GetSection("Registry").Get<RegistrySettings>() ?? new RegistrySettings();
        var nixery = builder.Services.AddNixery(configuration.GetSection("Nixery"));
        var packages = FirstSet(settings.PackagesPath, configuration["NIXERY_PKGS_PATH"]);
        var repository = FirstSet(settings.GitRepository, configuration["NIXERY_PKGS_REPO"]);
        if (repository is not null) nixery.UseGitPackageSource(repository);
        else if (packages is not null) nixery.UsePathPackageSource(Path.GetFullPath(packages));
        else
        {
            nixery.UsePathPackageSource(DemoPackageSet.Find());
            // The demo set is built locally from busybox; asking a binary cache for it only costs time.
            if (!configuration.GetSection("Nixery:Nix:ExtraArguments").GetChildren().Any())
                builder.Services.Configure<NixOptions>(options => options.ExtraArguments = ["--option", "substitute", "false"]);
        }
        nixery.UseFileSystemStorage(Path.GetFullPath(FirstSet(settings.StoragePath, configuration["STORAGE_PATH"]) ?? DefaultStoragePath()));

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapToolsEndpoints();                                          // anonymous: the app's own pages and API
        app.MapNixery().RequireAuthorization(BasicAuthenticationDefaults.PullPolicy);  // /v2: its users only

        var users = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<BasicAuthenticationOptions>>()
            .Get(BasicAuthenticationDefaults.Scheme).Users;
        if (users.Count == 0)
            app.Logger.LogWarning("No users are configured (section {ConfigurationSection}): nobody can pull from the registry", "Users");
        return app;
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));

    private static string DefaultStoragePath()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache)) cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "nixery-embedded");
    }
}
