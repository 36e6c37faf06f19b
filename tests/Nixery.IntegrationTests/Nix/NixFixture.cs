using Nixery.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Core.Nix;

namespace Nixery.IntegrationTests.Nix;

/// <summary>A state directory and a way to make Nix clients against it; checks that Nix is installed.</summary>
public sealed class NixFixture : IDisposable
{
    public NixFixture()
    {
        Tools.RequireNix();
        StateDirectory = Path.Combine(Path.GetTempPath(), $"nixery-it-{Guid.NewGuid():N}");
        Directory.CreateDirectory(StateDirectory);
    }

    public string StateDirectory { get; }

    /// <summary>A client built the way a host builds it, through DI.</summary>
    public ServiceProvider CreateServices(Action<NixOptions>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug))
            .AddNixClient(options =>
            {
                TestNix.Configure(options, StateDirectory);
                configure?.Invoke(options);
            });
        return services.BuildServiceProvider();
    }

    public INixClient CreateClient(Action<NixOptions>? configure = null) =>
        CreateServices(configure).GetRequiredService<INixClient>();

    public void Dispose()
    {
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; it lives under the temp directory.
        }
    }
}
