using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace Nixery.RegistryBenchmark.Backends;

/// <summary>
/// Azurite's blob service, the emulator the Azure tests use (installed by scripts/install-dependencies under
/// tests/Nixery.Storage.Azure.Tests/emulator), in memory on a free loopback port, with one container.
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    // Azurite's well-known development account (published in its documentation).
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, int port) => (_process, ConnectionString) = (process,
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{port}/{Account};");

    public string ConnectionString { get; }

    public static async Task<AzuriteProcess> StartAsync(string repository, string container, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(repository, "tests", "Nixery.Storage.Azure.Tests", "emulator");
        var script = Path.Combine(directory, "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"Azurite is not installed: run scripts/install-dependencies (npm ci in {directory})");
        var port = StandaloneServerProcess.FreePort();
        var start = new ProcessStartInfo("node",
            [script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--skipApiVersionCheck", "--inMemoryPersistence", "--silent"])
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        var azurite = new AzuriteProcess(process, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (SocketException)
            {
                await azurite.DisposeAsync();
                throw new InvalidOperationException($"Azurite did not start on 127.0.0.1:{port}");
            }
        }
        await new BlobContainerClient(azurite.ConnectionString, container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return azurite;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
