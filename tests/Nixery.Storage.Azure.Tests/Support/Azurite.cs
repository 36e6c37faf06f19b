using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Nixery.Testing;

namespace Nixery.Storage.Azure.Tests.Support;

/// <summary>
/// Azurite's blob service (pinned in emulator/package.json) on a free loopback port, in memory, with
/// <c>--skipApiVersionCheck</c> (Azure.Storage.Blobs 12.30.1 asks for a newer service version than Azurite 3.37.0
/// names). It checks Shared Key signatures and SAS signatures and honours <c>If-None-Match: *</c>. Fails, never skips,
/// when node or the npm package is missing.
/// </summary>
public class Azurite : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Its published key (Azurite's documentation; it opens nothing but this emulator).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;

    /// <summary>The blob service's URL, e.g. <c>http://127.0.0.1:41234/devstoreaccount1</c>.</summary>
    public Uri AccountUrl { get; private set; } = null!;

    public static string Directory => Path.Combine(RepositoryRoot.Path, "tests", "Nixery.Storage.Azure.Tests", "emulator");

    /// <summary>Extra arguments of Azurite, and the URL scheme it then speaks.</summary>
    protected virtual Task<(IEnumerable<string> Arguments, string Scheme)> ModeAsync() => Task.FromResult<(IEnumerable<string>, string)>(([], "http"));

    public async Task InitializeAsync()
    {
        var (extra, scheme) = await ModeAsync();
        var script = Path.Combine(Directory, "node_modules", "azurite", "dist", "src", "blob", "main.js");
        Assert.True(File.Exists(script), $"Azurite is not installed: run scripts/install-dependencies (it runs 'npm ci' in {Directory})");
        var port = LoopbackServer.FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--skipApiVersionCheck", "--inMemoryPersistence", "--silent" })
            start.ArgumentList.Add(argument);
        foreach (var argument in extra) start.ArgumentList.Add(argument);
        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not installed ({e.Message}): run scripts/install-dependencies (Debian packages nodejs npm)");
        }
        var output = _process!.StandardOutput.ReadToEndAsync();
        var errors = _process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                await DisposeAsync();
                Assert.Fail($"Azurite did not start on 127.0.0.1:{port}: {await output} {await errors}");
            }
        }
        AccountUrl = new Uri($"{scheme}://127.0.0.1:{port}/{AccountName}");
    }

    public virtual async Task DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>The connection string of this emulator (optionally through <paramref name="endpoint"/>, e.g. a proxy).</summary>
    public string ConnectionString(Uri? endpoint = null, string key = AccountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={key};BlobEndpoint={(endpoint is null ? AccountUrl : new Uri(endpoint, AccountName))};";

    /// <summary>A fresh container.</summary>
    public async Task<string> CreateContainerAsync(string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..24];
        await new BlobServiceClient(ConnectionString()).GetBlobContainerClient(name).CreateAsync();
        return name;
    }
}
