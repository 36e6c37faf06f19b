using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>
/// The baseline: Debian's <c>docker-registry</c> (CNCF distribution) on loopback with filesystem storage in the work
/// directory, no authentication, no access log, other logs at warn into a file.
/// </summary>
internal sealed class DockerRegistryProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DockerRegistryProcess(Process process, Uri address) => (_process, Address) = (process, address);

    public Uri Address { get; }

    public static async Task<DockerRegistryProcess> StartAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var port = FreeLoopbackPort();
        var storage = Path.Combine(workDirectory, "docker-registry-storage");
        Directory.CreateDirectory(storage);
        var config = Path.Combine(workDirectory, "docker-registry.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {storage}
              cache:
                blobdescriptor: inmemory
            http:
              addr: 127.0.0.1:{port}
            """, cancellationToken);

        var start = ProcessRunner.StartInfo("docker-registry", ["serve", config]);
        var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start");
        var log = Path.Combine(workDirectory, "docker-registry.log");
        _ = DrainAsync(process, log);

        var address = new Uri($"http://127.0.0.1:{port}/");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"docker-registry exited with {process.ExitCode}; see {log}");
            try
            {
                using var response = await client.GetAsync(new Uri(address, "v2/"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return new DockerRegistryProcess(process, address);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
        process.Kill();
        throw new InvalidOperationException($"docker-registry did not answer on {address} within 10 s; see {log}");
    }

    /// <summary>Its logs (logrus writes to standard error) into a file; standard output is empty.</summary>
    private static async Task DrainAsync(Process process, string log)
    {
        await using var file = File.Create(log);
        await Task.WhenAll(
            process.StandardOutput.BaseStream.CopyToAsync(Stream.Null),
            process.StandardError.BaseStream.CopyToAsync(file));
    }

    /// <summary>A loopback port free a moment ago (docker-registry cannot report a port it picked itself).</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
