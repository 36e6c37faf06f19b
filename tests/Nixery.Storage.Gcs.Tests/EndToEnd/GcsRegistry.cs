using Nixery.Testing;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.AspNetCore.Registry;
using Nixery.Core.Nix;
using Nixery.Storage.Gcs.Tests.Support;

namespace Nixery.Storage.Gcs.Tests.EndToEnd;

/// <summary>
/// The real registry on loopback (Kestrel, the real engine with Nix on the demo package set) with its blobs in a
/// Cloud Storage endpoint (the emulator, or the protocol peer for fault runs). Counts the blob redirects it answers.
/// </summary>
internal sealed class GcsRegistry : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"nixery-gcs-e2e-{Guid.NewGuid():N}");
    private WebApplication _app = null!;
    private int _redirects;

    public string Address { get; private set; } = "";

    public int Redirects => _redirects;

    public static async Task<GcsRegistry> StartAsync(string endpointHost, string bucket, Action<GcsStorageOptions>? configure = null)
    {
        RequireNix();
        var registry = new GcsRegistry();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("NIXERY_TEST_LOGS") == "1") builder.Logging.AddSimpleConsole();
        builder.Services.AddNixery()
            .UsePathPackageSource(RepositoryRoot.DemoPackages)
            .UseGcsStorage(options =>
            {
                options.Bucket = bucket;
                options.EmulatorHost = endpointHost;
                // A key to sign redirect URLs with; with an emulator it is never sent for tokens.
                options.CredentialsFile = Path.Combine(GcsTestData.Conformance, "test_service_account.not-a-test.json");
                // Layers go through staging/, a resumable upload and a copy; each in one chunk of the session, since
                // the emulator keeps only the first chunk of a resumable upload (multi-chunk runs against the peer).
                options.ResumableThreshold = 16 * 1024;
                options.Retry = Stores.FastRetries();
                configure?.Invoke(options);
            });
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
        registry._app.MapNixery();
        await registry._app.StartAsync();
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
