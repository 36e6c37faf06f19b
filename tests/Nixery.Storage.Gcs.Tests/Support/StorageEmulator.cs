using System.Diagnostics;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>
/// The Cloud Storage emulator of firebase-tools (pinned in emulator/package.json), started on a free loopback port by
/// our launcher (emulator/launch.js) without Java or the rules runtime. Fails, never skips, when node or the npm
/// packages are missing.
/// </summary>
public sealed class StorageEmulator : IAsyncLifetime
{
    private Process? _process;

    /// <summary>The emulator's address, e.g. <c>127.0.0.1:41234</c> (what <c>STORAGE_EMULATOR_HOST</c> would hold).</summary>
    public string Host { get; private set; } = "";

    public Uri Endpoint => new($"http://{Host}/");

    public async Task InitializeAsync()
    {
        var directory = GcsTestData.EmulatorDirectory;
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "firebase-tools")),
            $"the Cloud Storage emulator is not installed: run scripts/install-dependencies (it runs 'npm ci' in {directory})");
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("launch.js");
        start.ArgumentList.Add("0");
        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not installed ({e.Message}): run scripts/install-dependencies (Debian packages nodejs npm)");
        }
        var errors = _process!.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            _process.Kill();
            Assert.Fail($"the Cloud Storage emulator did not start: {line} {await errors}");
        }
        Host = line!["listening ".Length..].Trim();
        _ = _process.StandardOutput.ReadToEndAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
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
