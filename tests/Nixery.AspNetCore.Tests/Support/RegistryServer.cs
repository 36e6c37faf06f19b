using Nixery.Testing;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Core;
using Nixery.Core.Nix;

namespace Nixery.AspNetCore.Tests.Support;

/// <summary>
/// The real registry: Kestrel on a dynamic loopback port, the real engine on the demo package set, filesystem
/// storage in a temporary directory, and an <see cref="HttpClient"/> pointed at it.
/// </summary>
public sealed class RegistryServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"nixery-registry-tests-{Guid.NewGuid():N}");
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public BuildCounter Builds { get; } = new();

    /// <summary>Builds handed to Nix by this server (failed ones too, which <see cref="Builds"/> does not count).</summary>
    internal CountingNixClient Nix { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>How long one Nix call may take; tests of the timeout start a server of their own with a short one.</summary>
    public TimeSpan NixTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The package set served; the repository's demo set unless a test brings a copy it changes.</summary>
    public string PackageSetPath { get; init; } = RepositoryRoot.DemoPackages;

    /// <summary>A git repository served instead of <see cref="PackageSetPath"/>; null serves the path.</summary>
    public string? GitRepositoryUrl { get; init; }

    /// <summary>The registry's memo of recent builds; null keeps the default.</summary>
    public TimeSpan? RecentBuildLifetime { get; init; }

    /// <summary>How many recent builds the memo keeps; null keeps the default.</summary>
    public int? MaxRecentBuilds { get; init; }

    /// <summary>The longest <c>tags/list</c> page; null keeps the default.</summary>
    public int? MaxTagsPerPage { get; init; }

    /// <summary><c>Nixery:Registry:OnlyListedTags</c>; false by default.</summary>
    public bool OnlyListedTags { get; init; }

    /// <summary>The clock the registry reads (for the recent-build memo), when a test wants to move it.</summary>
    public TimeProvider? Time { get; init; }

    public async Task InitializeAsync()
    {
        RequireNix();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(Logs);

        var nixery = builder.Services.AddNixery().UseFileSystemStorage(Path.Combine(_directory, "storage"));
        if (GitRepositoryUrl is null) nixery.UsePathPackageSource(PackageSetPath);
        else nixery.UseGitPackageSource(GitRepositoryUrl);
        builder.Services.Configure<NixOptions>(options =>
        {
            TestNix.Configure(options, Path.Combine(_directory, "nix"));
            options.Timeout = NixTimeout;
        });

        CountingNixClient.Register(builder.Services);

        if (Time is not null) builder.Services.AddSingleton(Time);
        if (RecentBuildLifetime is { } lifetime)
            builder.Services.Configure<NixeryRegistryOptions>(options => options.RecentBuildLifetime = lifetime);
        if (MaxRecentBuilds is { } max)
            builder.Services.Configure<NixeryRegistryOptions>(options => options.MaxRecentBuilds = max);
        if (MaxTagsPerPage is { } page)
            builder.Services.Configure<NixeryRegistryOptions>(options => options.MaxTagsPerPage = page);
        if (OnlyListedTags)
            builder.Services.Configure<NixeryRegistryOptions>(options => options.OnlyListedTags = true);

        _app = builder.Build();
        _app.MapNixery();
        await _app.StartAsync();
        Nix = _app.Services.GetRequiredService<CountingNixClient>();

        Client = new HttpClient { BaseAddress = LoopbackServer.AddressOf(_app), Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Builds.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Nix makes store-path copies read-only; they are under the temp directory.
        }
    }

    /// <summary>Fails (never skips) when Nix or busybox is missing, saying how to install them.</summary>
    private static void RequireNix()
    {
        foreach (var tool in new[] { "nix-instantiate", "nix-store", "nix" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(tool, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
                process.WaitForExit();
                if (process.ExitCode == 0) continue;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
            throw new InvalidOperationException($"These tests run the real engine and need {tool} on PATH: apt-get install -y nix-bin");
        }
        if (!File.Exists("/bin/busybox"))
            throw new InvalidOperationException("The demo package set needs /bin/busybox: apt-get install -y busybox-static");
    }
}
