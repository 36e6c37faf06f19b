using System.Diagnostics;

namespace Nixery.RegistryBenchmark.Backends;

/// <summary>
/// The Cloud Storage emulator the GCS tests use (firebase-tools, installed by scripts/install-dependencies under
/// tests/Nixery.Storage.Gcs.Tests/emulator), started on a free loopback port; stops when disposed.
/// </summary>
internal sealed class GcsEmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GcsEmulatorProcess(Process process, string host) => (_process, Host) = (process, host);

    /// <summary>e.g. <c>127.0.0.1:41234</c>, what <c>STORAGE_EMULATOR_HOST</c> holds.</summary>
    public string Host { get; }

    public static async Task<GcsEmulatorProcess> StartAsync(string repository, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(repository, "tests", "Nixery.Storage.Gcs.Tests", "emulator");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "firebase-tools")))
            throw new InvalidOperationException($"the Cloud Storage emulator is not installed: run scripts/install-dependencies (npm ci in {directory})");
        var start = new ProcessStartInfo("node", ["launch.js", "0"])
        {
            WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the Cloud Storage emulator did not start: {line}");
        }
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        return new GcsEmulatorProcess(process, line["listening ".Length..].Trim());
    }

    public async ValueTask DisposeAsync()
    {
        // The launcher stops when its standard input closes.
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
