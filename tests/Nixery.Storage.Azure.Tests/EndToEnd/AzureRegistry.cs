using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Core.Nix;
using Nixery.Server;
using Nixery.Testing;

namespace Nixery.Storage.Azure.Tests.EndToEnd;

/// <summary>
/// The standalone server of samples/Nixery.Server, composed as its program composes it, configured only by the
/// environment variables a user sets (<c>NIXERY_STORAGE_BACKEND=azure</c>, <c>AZURE_STORAGE_CONNECTION_STRING</c>,
/// <c>AZURE_STORAGE_CONTAINER</c>), on Kestrel at 127.0.0.1 with Nix state in a temp directory. Counts the blob
/// redirects it answers.
/// </summary>
internal sealed class AzureRegistry : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixery-azure-e2e-").FullName;
    private WebApplication _app = null!;
    private int _redirects;

    public string Address { get; private set; } = "";

    public int Redirects => _redirects;

    /// <summary>Starts the server; <paramref name="arguments"/> are extra settings such as <c>--Nixery:AzureStorage:MaxRetries=2</c>.</summary>
    public static async Task<AzureRegistry> StartAsync(string connectionString, string container, params string[] arguments)
    {
        RequireNix();
        var registry = new AzureRegistry();
        var variables = new Dictionary<string, string>
        {
            ["NIXERY_STORAGE_BACKEND"] = "azure",
            ["AZURE_STORAGE_CONNECTION_STRING"] = connectionString,
            ["AZURE_STORAGE_CONTAINER"] = container,
        };
        // Layers are staged as blocks of 64 KiB, committed and copied (the demo's layers are smaller than the default block).
        var builder = NixeryServer.CreateBuilder(["--urls", "http://127.0.0.1:0", "--Nixery:AzureStorage:BlockSize=65536", .. arguments],
            name => variables.GetValueOrDefault(name));
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
