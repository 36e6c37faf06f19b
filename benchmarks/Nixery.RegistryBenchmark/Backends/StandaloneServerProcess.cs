using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nixery.RegistryBenchmark.Backends;

/// <summary>
/// The standalone server as operators run it, <c>dotnet nixery.dll</c> (samples/Nixery.Server, Release build), on a
/// loopback port with the given environment; ready once <c>/readyz</c> answers 200. Stopped with SIGTERM.
/// </summary>
public sealed class StandaloneServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private StandaloneServerProcess(Process process, StringBuilder output, Uri address) => (_process, _output, Address) = (process, output, address);

    public Uri Address { get; }

    /// <summary>Everything the server wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>samples/Nixery.Server/bin/Release/net10.0/nixery.dll under <paramref name="repository"/>.</summary>
    public static string ProgramIn(string repository) =>
        Path.Combine(repository, "samples", "Nixery.Server", "bin", "Release", "net10.0", "nixery.dll");

    /// <summary>Starts the server on <paramref name="port"/> (0: a free one) and waits until it is ready.</summary>
    /// <exception cref="InvalidOperationException">The program is not built, or the server exited or did not get ready within two minutes.</exception>
    public static async Task<StandaloneServerProcess> StartAsync(
        string repository, IReadOnlyDictionary<string, string> environment, int port = 0, CancellationToken cancellationToken = default)
    {
        var program = ProgramIn(repository);
        if (!File.Exists(program))
            throw new InvalidOperationException($"{program} is missing: dotnet build samples/Nixery.Server -c Release");
        if (port == 0) port = FreePort();
        var start = new ProcessStartInfo("dotnet", [program]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, line) => { lock (output) output.AppendLine(line.Data); };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new StandaloneServerProcess(process, output, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var ready = await http.GetAsync("/readyz", cancellationToken);
                if (ready.IsSuccessStatusCode) return server;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.Delay(200, cancellationToken);
        }
        var state = process.HasExited ? $"exited with {process.ExitCode}" : "did not get ready within two minutes";
        await server.DisposeAsync();
        throw new InvalidOperationException($"the server on port {port} {state}:\n{server.Output}");
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the server and everything it started (its Nix calls) with SIGKILL, as a node that dies does.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>A free TCP port on loopback.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
