using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Core;
using Nixery.Core.Nix;

namespace Nixery.RegistryBenchmark.Serving;

/// <summary>
/// The registry as the benchmark serves it, in a process of its own: Kestrel on loopback, <c>AddNixery</c> with a
/// local package set and filesystem storage, <c>MapNixery</c>, logs at Warning (no entry per request).
/// </summary>
public static class BenchmarkRegistryHost
{
    /// <summary>The line written to standard output once listening, followed by the address.</summary>
    public const string ListeningPrefix = "NIXERY-LISTENING ";

    /// <summary>Serves until standard input closes or the process is stopped.</summary>
    public static async Task<int> ServeAsync(string packages, string storage, string state, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddNixery().UsePathPackageSource(packages).UseFileSystemStorage(storage);
        builder.Services.Configure<NixOptions>(options =>
        {
            options.StateDirectory = state;
            // No network here, and the package set builds from local files.
            options.ExtraArguments = ["--option", "substitute", "false"];
            options.Timeout = TimeSpan.FromMinutes(5);
        });
        // A local path is an unpinned source, so by default an image is rebuilt a minute after its last build. The
        // benchmark measures the warm path that pinned sources (a git commit, a pinned channel) always take, so the
        // memo of recent builds stays valid for the whole run instead.
        builder.Services.Configure<NixeryRegistryOptions>(options => options.RecentBuildLifetime = TimeSpan.FromHours(1));

        await using var app = builder.Build();
        app.MapNixery();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Console.WriteLine(ListeningPrefix + address);
        await Console.Out.FlushAsync(cancellationToken);

        // The parent ends the server by closing our standard input (or by killing the process).
        await Task.Run(() => Console.In.ReadToEnd(), cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
