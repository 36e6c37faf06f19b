using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Core.Nix;
using Nixery.Server;

namespace Nixery.Testing;

/// <summary>
/// The standalone server of samples/Nixery.Server, composed as its program composes it and configured only by the
/// environment variables a user sets (e.g. <c>NIXERY_STORAGE_BACKEND=s3</c> and the backend's own), on Kestrel at
/// 127.0.0.1 with Nix state in a temp directory. Counts the blob redirects it answers. Linked into each cloud backend's
/// test project.
/// </summary>
internal sealed class EnvironmentConfiguredRegistry : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-e2e-").FullName;
    private WebApplication _app = null!;
    private int _redirects;

    public string Address { get; private set; } = "";

    public int Redirects => _redirects;

    /// <summary>Starts the server with <paramref name="variables"/> as its environment; <paramref name="arguments"/> are extra settings.</summary>
    public static async Task<EnvironmentConfiguredRegistry> StartAsync(IReadOnlyDictionary<string, string> variables, params string[] arguments)
    {
        RequireNix();
        var registry = new EnvironmentConfiguredRegistry();
        var builder = NixeryServer.CreateBuilder(["--urls", "http://127.0.0.1:0", .. arguments], name => variables.GetValueOrDefault(name));
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("NIXERY_TEST_LOGS") == "1") builder.Logging.AddSimpleConsole();
        builder.Services.Configure<NixOptions>(options =>
        {
            TestNix.Configure(options, Path.Combine(registry._directory, "nix"));
            options.Timeout = TimeSpan.FromMinutes(2);
        });
        registry._app = builder.Build();
        registry._app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status307TemporaryRedirect) Interlocked.Increment(ref registry._redirects);
        });
        NixeryServer.MapEndpoints(registry._app);
        try
        {
            await registry._app.StartAsync();
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
        registry.Address = LoopbackServer.AddressOf(registry._app).Authority;
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Under the temp directory; Nix leaves read-only copies.
        }
    }

    private static void RequireNix()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nix-store", "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.WaitForExit();
            if (process.ExitCode == 0 && File.Exists("/bin/busybox")) return;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        Assert.Fail("the end-to-end tests run the real engine: apt-get install -y nix-bin busybox-static (or run scripts/install-dependencies)");
    }
}
