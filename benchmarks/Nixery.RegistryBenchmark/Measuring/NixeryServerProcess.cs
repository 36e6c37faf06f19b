using System.Diagnostics;
using Nixery.RegistryBenchmark.Serving;

namespace Nixery.RegistryBenchmark.Measuring;

/// <summary>This registry in a process of its own (this program's <c>serve</c> command), Release build.</summary>
internal sealed class NixeryServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NixeryServerProcess(Process process, Uri address) => (_process, Address) = (process, address);

    public Uri Address { get; }

    public static async Task<NixeryServerProcess> StartAsync(string packages, string workDirectory, CancellationToken cancellationToken)
    {
        var program = typeof(NixeryServerProcess).Assembly.Location;
        var start = ProcessRunner.StartInfo("dotnet", [
            program, "serve",
            "--packages", packages,
            "--storage", Path.Combine(workDirectory, "nixery-storage"),
            "--state", Path.Combine(workDirectory, "nixery-state"),
        ]);
        start.RedirectStandardInput = true;
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the registry process did not start");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (!line.StartsWith(BenchmarkRegistryHost.ListeningPrefix, StringComparison.Ordinal)) continue;
            // Keep draining the output so the child never blocks on a full pipe.
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            return new NixeryServerProcess(process, new Uri(line[BenchmarkRegistryHost.ListeningPrefix.Length..]));
        }
        await process.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException($"the registry process exited with {process.ExitCode} before listening: {await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
    }
}
