using Microsoft.Extensions.Options;
using Nixery.Core;

namespace Nixery.Server;

/// <summary>The engine as the verbs that run without a server use it: appsettings.json, then the environment, validated.</summary>
internal static class CommandServices
{
    /// <summary>The engine's services, configured as the server is; settings are checked before this returns.</summary>
    /// <exception cref="OptionsValidationException">A setting is wrong.</exception>
    public static ServiceProvider Create(Func<string, string?> variable)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddInMemoryCollection(EnvironmentSettings.ToConfiguration(variable))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning));
        services.AddNixeryServer(configuration);
        // A verb builds what it is asked for: recent builds (of an unpinned source) are the server's business.
        services.Configure<NixeryRegistryOptions>(options => options.RecentBuildLifetime = TimeSpan.Zero);

        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch
        {
            provider.Dispose();
            throw;
        }
        return provider;
    }
}
