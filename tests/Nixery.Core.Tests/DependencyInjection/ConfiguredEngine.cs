using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Nixery.Core.Tests.DependencyInjection;

/// <summary>The engine's services as <c>AddNixery</c> registers them from a <c>Nixery</c> section of in-memory settings.</summary>
internal static class ConfiguredEngine
{
    /// <summary>The provider of <c>AddNixery(section)</c> with <paramref name="settings"/>, then <paramref name="configure"/> on its builder.</summary>
    public static ServiceProvider Provider(IEnumerable<KeyValuePair<string, string?>> settings, Action<INixeryBuilder>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        var builder = services.AddNixery(configuration.GetSection("Nixery"));
        configure?.Invoke(builder);
        return services.BuildServiceProvider();
    }
}
