using System.Diagnostics;
using System.Text;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Support;

/// <summary>
/// The standalone server as operators run it: <c>dotnet nixery.dll</c> (samples/Nixery.Server, built by the solution) in a
/// process of its own on a loopback port, stopped with SIGTERM as Kubernetes stops a pod.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ServerProcess(Process process, StringBuilder output, Uri address) => (_process, _output, Address) = (process, output, address);

    public Uri Address { get; }

    public static string Program => Path.Combine(RepositoryRoot.Path, "samples", "Nixery.Server", "bin", "Release", "net10.0", "nixery.dll");

    /// <summary>Starts the server on <paramref name="port"/> and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(int port, IReadOnlyDictionary<string, string> environment)
    {
        Assert.True(File.Exists(Program), $"{Program} is missing: build the solution (scripts/test does)");
        var start = new ProcessStartInfo("dotnet", [Program]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

        var address = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var ready = await http.GetAsync("/readyz");
                if (ready.IsSuccessStatusCode) return new ServerProcess(process, output, address);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        string seen;
        lock (output) seen = output.ToString();
        throw new Xunit.Sdk.XunitException($"the server on port {port} did not become ready:\n{seen}");
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        await ExternalTool.RunCheckedAsync("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
